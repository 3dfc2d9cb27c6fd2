// QEMU's machine protocol (QMP: one JSON object a line) over the unix socket of `-qmp`: the
// harness changes a running machine through it (a port forward added at runtime, quit). QMP
// rather than the human monitor, because its answers and errors are data, not a prompt to scrape;
// commands that exist only in the human monitor (hostfwd_add) go through human-monitor-command.
import { connect, type Socket } from 'node:net';
import { InfrastructureError } from '../../../errors.ts';

interface QmpMessage {
  QMP?: unknown;
  event?: string;
  id?: number;
  return?: unknown;
  error?: { class: string; desc: string };
}

export class QemuMonitor {
  readonly socketPath: string;
  readonly what: string;
  /** One session at a time: QEMU's socket serves a single client. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(socketPath: string, what: string) {
    this.socketPath = socketPath;
    this.what = what;
  }

  /** Runs one QMP command in a session of its own and resolves with its `return`. */
  execute(command: string, args?: Record<string, unknown>, options: { timeoutMs?: number; closeIsSuccess?: boolean } = {}): Promise<unknown> {
    const run = this.#queue.then(() => this.#session(command, args, options.timeoutMs ?? 10_000, options.closeIsSuccess ?? false));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** A human-monitor command; its output is returned (empty when a command such as hostfwd_add succeeded). */
  async human(commandLine: string): Promise<string> {
    const output = await this.execute('human-monitor-command', { 'command-line': commandLine });
    return typeof output === 'string' ? output : '';
  }

  /** Asks QEMU to exit at once (the guest is not shut down: its disk is thrown away anyway). */
  async quit(timeoutMs = 5000): Promise<void> {
    await this.execute('quit', undefined, { timeoutMs, closeIsSuccess: true });
  }

  #session(command: string, args: Record<string, unknown> | undefined, timeoutMs: number, closeIsSuccess: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(this.socketPath);
      let buffered = '';
      let sent = false;
      let settled = false;
      const finish = (error: Error | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(value);
      };
      const failure = (why: string, cause?: unknown) =>
        new InfrastructureError(`QEMU monitor of ${this.what}: \`${command}\` ${why}`, { code: 'QEMU_MONITOR', hint: 'see the machine console log; QEMU may have exited', cause });
      const timer = setTimeout(() => finish(failure(`got no answer within ${timeoutMs} ms`)), timeoutMs);
      const send = (message: object) => socket.write(`${JSON.stringify(message)}\n`);
      socket.on('error', (error) => finish(failure(`failed: ${error.message}`, error)));
      socket.on('close', () => (sent && closeIsSuccess ? finish(null) : finish(failure('failed: QEMU closed the monitor'))));
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          let message: QmpMessage;
          try {
            message = JSON.parse(line) as QmpMessage;
          } catch {
            return finish(failure(`answered what is not JSON: ${line.slice(0, 200)}`));
          }
          if (message.QMP) send({ execute: 'qmp_capabilities', id: 0 });
          else if (message.event) continue;
          else if (message.error) return finish(failure(`failed: ${message.error.desc}`));
          else if (message.id === 0) {
            sent = true;
            send({ execute: command, ...(args ? { arguments: args } : {}), id: 1 });
          } else if (message.id === 1) return finish(null, message.return);
        }
      });
    });
  }
}

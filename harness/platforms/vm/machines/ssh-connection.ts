// One SSH session to a machine, over the ssh2 library (no ssh binary, no ~/.ssh config or agent
// of the user's leaking in): commands with their exit code and output, files over SFTP, and local
// TCP forwards. The machines' own methods (ssh-machine.ts, qemu-machine.ts) speak through it.
//
// Host keys: the harness has no known_hosts to check a fresh VM or a user's server against, so it
// trusts the key of the first connection (or one given: a QEMU machine's, made before it boots)
// and pins it for the connection's lifetime. A reconnect - after a reboot, or when sshd restarted
// - that meets a different key is refused: another machine now answers at that address (a port
// reused by another VM, an address moved), and the rest of an upgrade must not run on it.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import ssh2, { type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { InfrastructureError, WaitTimeoutError } from '../../../errors.ts';
import { shellQuote } from '../../../util/shell-quote.ts';
import type { ExecOptions, ExecResult } from '../machine.ts';

type Client = InstanceType<typeof ssh2.Client>;

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** An OpenSSH private key (the file's content), unencrypted. */
  privateKey: string | Buffer;
}

export interface SshConnectOptions extends SshTarget {
  /** How messages name the machine: "qemu machine app-1". */
  what?: string;
  /** Keep retrying while the machine boots (refused, reset, no handshake yet) for this long. Default 30 s. */
  connectTimeoutMs?: number;
  /** One attempt's wait for the SSH handshake. Default 15 s: an emulated CPU is slow at key exchange. */
  readyTimeoutMs?: number;
  /** Pin this key (`SHA256:...`, as ssh-keygen -l prints it) from the start instead of the first one seen. */
  hostKeyFingerprint?: string;
  signal?: AbortSignal;
  /** Checked between attempts: the machine can never answer any more (its QEMU exited). */
  giveUp?: () => Error | null;
}

export interface SshExecOptions extends ExecOptions {
  /** Words before the command and its environment, e.g. ['sudo', '-n', '--']; a timeout's kill runs through them too. */
  prefix?: readonly string[];
  /** Not counted against the session limit (the kill of a command that holds a session). */
  outsideLimit?: boolean;
}

interface RunningExec {
  command: readonly string[];
  options: SshExecOptions;
  /** The mark in the program's environment that a kill finds it by. */
  execId: string;
  prefix: readonly string[];
}

export interface ReconnectOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  giveUp?: () => Error | null;
  /** Accept the new connection only when this holds (e.g. a new boot id); else retry. */
  accept?: (connection: SshConnection) => Promise<boolean>;
  /** What `accept` waits for, for the timeout message. */
  awaiting?: string;
}

/** Reconnecting on demand (the connection dropped under a command) waits this long at most. */
const ON_DEMAND_RECONNECT_MS = 30_000;
const RETRY_INTERVAL_MS = 500;
const PERMANENT = new Set(['SSH_HOST_KEY_CHANGED', 'SSH_AUTH_FAILED', 'SSH_CLOSED']);
/**
 * Commands running at once on one connection. sshd refuses sessions past its MaxSessions (10 by
 * default, SFTP's included); callers that run many commands side by side wait their turn instead.
 */
const CONCURRENT_COMMANDS = 8;
/** Tries to open a session sshd refused (about 12 s in all, backing off). */
const SESSION_RETRIES = 16;

export class SshConnection {
  readonly target: SshTarget;
  readonly what: string;
  #readyTimeoutMs: number;
  #pinned: string | undefined;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  #closed = false;
  /** Inside reconnect(): a session lost meanwhile is that attempt's failure, not a reason to reconnect again. */
  #reconnecting = false;
  readonly #sessions = pLimit(CONCURRENT_COMMANDS);
  readonly #listeners = new Set<Server>();
  readonly #sockets = new Set<Socket>();

  private constructor(options: SshConnectOptions) {
    this.target = { host: options.host, port: options.port, username: options.username, privateKey: options.privateKey };
    this.what = options.what ?? `${options.username}@${options.host}:${options.port}`;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    this.#pinned = options.hostKeyFingerprint;
  }

  /** Connects, retrying until `connectTimeoutMs` while the machine is still coming up. */
  static async open(options: SshConnectOptions): Promise<SshConnection> {
    const connection = new SshConnection(options);
    await connection.reconnect({ timeoutMs: options.connectTimeoutMs ?? 30_000, signal: options.signal, giveUp: options.giveUp });
    return connection;
  }

  /** The pinned host key: `SHA256:...`. */
  get hostKeyFingerprint(): string | undefined {
    return this.#pinned;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Drops the current session (if any) and connects again with the pinned host key, retrying until
   * the timeout: after a reboot. Forwards keep their local ports and use the new session.
   */
  async reconnect(options: ReconnectOptions): Promise<void> {
    this.#throwIfClosed();
    this.#dropClient();
    this.#reconnecting = true;
    try {
      await this.#connectUntil(performance.now() + options.timeoutMs, options);
    } finally {
      this.#reconnecting = false;
    }
  }

  async #connectUntil(deadline: number, options: ReconnectOptions): Promise<void> {
    let lastError: Error | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const hopeless = options.giveUp?.();
      if (hopeless) throw hopeless;
      const remaining = deadline - performance.now();
      try {
        const waitMs = Math.max(1000, Math.min(this.#readyTimeoutMs, remaining));
        this.#adopt(await this.#attempt(await socketWithSshBanner(this.target.host, this.target.port, waitMs), waitMs));
        if (!options.accept || (await options.accept(this))) return;
        lastError = new Error(`connected, but still waiting for ${options.awaiting ?? 'the machine to be ready'}`);
      } catch (error) {
        // A wrong host key or a refused login will not mend by waiting; the rest (refused, reset,
        // no handshake yet, a session lost while the machine shuts down) may.
        if (error instanceof InfrastructureError && PERMANENT.has(error.code)) throw error;
        lastError = error as Error;
      }
      this.#dropClient();
      if (performance.now() + RETRY_INTERVAL_MS >= deadline) {
        throw new WaitTimeoutError(`SSH on ${this.what} (last attempt: ${lastError.message})`, options.timeoutMs);
      }
      await sleep(RETRY_INTERVAL_MS, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }

  /**
   * Runs a program by its argument array: each argument single-quoted for the remote login shell
   * (sshd always hands the command line to one; POSIX quoting holds for sh, dash and bash), and the
   * environment as an `env NAME=value` prefix, because sshd refuses SSH env requests unless its
   * AcceptEnv lists the name. A timeout kills the command (and what it started) and answers exit
   * 124, as timeout(1) does; an abort kills it too and rejects with the signal's reason.
   */
  async exec(command: readonly string[], options: SshExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0) throw new TypeError('exec needs a program to run');
    options.signal?.throwIfAborted();
    return options.outsideLimit ? this.#exec(command, options) : this.#sessions(() => this.#exec(command, options));
  }

  async #exec(command: readonly string[], options: SshExecOptions): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    const client = await this.#ensureConnected(options.signal);
    const execId = randomBytes(8).toString('hex');
    const prefix = options.prefix ?? [];
    const line = remoteCommandLine(command, options.env, execId, prefix);
    return new Promise<ExecResult>((resolve, reject) => {
      const open = (attempt: number, on: Client) => {
        // Everything is wired inside the callback, before it returns: ssh2 emits the exit status
        // in the same turn when it came in the same packet batch as the channel's confirmation (a
        // quick command on a busy connection), and an 'exit' listener added after an await misses it.
        on.exec(line, (error, channel) => {
          if (!error) return this.#collect(channel, { command, options, execId, prefix }, resolve, reject);
          // sshd frees a finished session a moment after its channel closed (on its next loop), so
          // a busy connection meets "no more sessions" now and then: a moment later it opens.
          const retryOn = this.#client;
          if (!isOpenFailure(error) || attempt >= SESSION_RETRIES || !retryOn) return reject(this.#sessionRefused(`\`${command.join(' ')}\``, error));
          setTimeout(() => open(attempt + 1, retryOn), Math.min(1000, 25 * 2 ** attempt));
        });
      };
      open(0, client);
    });
  }

  /** Gathers a running command's output and exit; kills it on a timeout or an abort. */
  #collect(channel: ClientChannel, run: RunningExec, resolve: (result: ExecResult) => void, reject: (error: unknown) => void): void {
    const { command, options, execId, prefix } = run;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number | undefined;
    let stopped: 'timeout' | 'abort' | undefined;
    let finished = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (stopped === 'abort') reject(options.signal?.reason);
      else if (stopped === 'timeout') resolve({ exitCode: 124, stdout: out, stderr: `${err}${err && !err.endsWith('\n') ? '\n' : ''}killed: ran past its timeout of ${options.timeoutMs} ms\n` });
      else if (exitCode === undefined) reject(this.#lost(`running \`${command.join(' ')}\``, new Error('the channel closed without an exit status')));
      else resolve({ exitCode, stdout: out, stderr: err });
    };
    const stop = (why: 'timeout' | 'abort') => {
      if (stopped) return;
      stopped = why;
      // On a channel of its own, not waiting for a free one; the program's channel closes once
      // the program is gone.
      void this.exec(['sh', '-c', KILL_MARKED, 'sh', execId], { prefix, timeoutMs: 15_000, outsideLimit: true }).catch(() => {});
      grace = setTimeout(() => {
        channel.close();
        finish();
      }, 15_000);
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A program killed by a signal exits as a shell reports it: 128 + the signal's number.
    channel.on('exit', (code: number | null, signalName?: string) => {
      exitCode = code ?? 128 + (constants.signals[(signalName ?? 'SIGKILL') as NodeJS.Signals] ?? 9);
    });
    channel.on('close', finish);
    // Always end stdin, so a program that reads it sees end of input instead of waiting forever.
    channel.end(options.input ?? '');
  }

  /** Copies a local file (parents created); the mode defaults to the local file's. */
  async copyIn(localFile: string, remotePath: string, mode?: number): Promise<void> {
    const fileMode = mode ?? (await stat(localFile)).mode & 0o7777;
    await this.#makeParent(remotePath);
    const sftp = await this.#sftpSession();
    await sftpCall((done) => sftp.fastPut(localFile, remotePath, { mode: fileMode }, done), `copying ${localFile} to ${this.what}:${remotePath}`);
    // The open's mode applies only to a new file, and through the umask: set it explicitly.
    await sftpCall((done) => sftp.chmod(remotePath, fileMode, done), `chmod ${remotePath}`);
  }

  /** Writes a file in place (parents created), keeping an existing file's owner. */
  async writeFile(remotePath: string, content: string | Buffer, mode = 0o644): Promise<void> {
    await this.#makeParent(remotePath);
    const sftp = await this.#sftpSession();
    await sftpCall((done) => sftp.writeFile(remotePath, content, { mode }, done), `writing ${this.what}:${remotePath}`);
    await sftpCall((done) => sftp.chmod(remotePath, mode, done), `chmod ${remotePath}`);
  }

  /**
   * A local port on 127.0.0.1 whose connections reach `remoteHost:remotePort` as seen from the
   * machine (a direct-tcpip channel each). A connection the machine refuses is reset.
   */
  async forward(remotePort: number, remoteHost = '127.0.0.1'): Promise<number> {
    this.#throwIfClosed();
    const server = createServer({ pauseOnConnect: true }, (socket) => this.#forwardOne(socket, remoteHost, remotePort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    }).catch((cause: unknown) => {
      throw new InfrastructureError(`cannot listen on 127.0.0.1 for a forward to ${this.what} port ${remotePort}: ${(cause as Error).message}`, { code: 'NO_FREE_PORT', cause });
    });
    this.#listeners.add(server);
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new InfrastructureError('a forward listener has no address', { code: 'NO_FREE_PORT' });
    return address.port;
  }

  /** Ends the session and every forward (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const server of this.#listeners) server.close();
    this.#listeners.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    const client = this.#client;
    this.#dropClient();
    if (client) await endClient(client);
  }

  #forwardOne(socket: Socket, remoteHost: string, remotePort: number): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    this.#ensureConnected().then(
      (client) => {
        client.forwardOut('127.0.0.1', socket.remotePort ?? 0, remoteHost, remotePort, (error, stream) => {
          if (error || socket.destroyed) {
            // As close to "connection refused" as a forward can say.
            if (!socket.destroyed) socket.resetAndDestroy();
            stream?.close();
            return;
          }
          stream.on('error', () => socket.destroy());
          stream.on('close', () => socket.destroy());
          socket.on('close', () => stream.close());
          socket.pipe(stream).pipe(socket);
          socket.resume();
        });
      },
      () => socket.resetAndDestroy(),
    );
  }

  async #attempt(socket: Socket, readyTimeoutMs: number): Promise<Client> {
    const client = new ssh2.Client();
    let offered: string | undefined;
    const config: ConnectConfig = {
      sock: socket,
      host: this.target.host,
      port: this.target.port,
      username: this.target.username,
      privateKey: this.target.privateKey,
      readyTimeout: readyTimeoutMs,
      // Only the key: never the user's agent or a password prompt.
      authHandler: ['publickey'],
      // Notices a machine that went away (a reboot, a crash) instead of waiting on a dead socket.
      keepaliveInterval: 5000,
      keepaliveCountMax: 6,
      hostVerifier: (key: Buffer) => {
        offered = fingerprintOf(key);
        return this.#pinned === undefined || this.#pinned === offered;
      },
    };
    return new Promise<Client>((resolve, rejectOnce) => {
      let settled = false;
      const reject = (error: Error) => {
        if (!settled) rejectOnce(error);
        settled = true;
      };
      // ssh2 may emit several errors for one failed attempt (a lost socket, then its close):
      // without a listener for the later ones, they would crash the process.
      client.on('error', () => {});
      const onError = (error: Error & { level?: string }) => {
        client.destroy();
        if (this.#pinned !== undefined && offered !== undefined && offered !== this.#pinned) reject(this.#hostKeyChanged(offered));
        else if (error.level === 'client-authentication') reject(this.#authFailed(error));
        else reject(error);
      };
      client.once('error', onError);
      // A server that hangs up mid-handshake (sshd of a machine shutting down) may close without an error.
      const onClose = () => onError(new Error('the connection closed before the SSH handshake finished'));
      client.once('close', onClose);
      client.once('ready', () => {
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        // Trust on first use: pinned once the machine has also accepted our key.
        this.#pinned ??= offered;
        resolve(client);
      });
      client.connect(config);
    });
  }

  #adopt(client: Client): void {
    this.#client = client;
    client.on('close', () => {
      if (this.#client === client) {
        this.#client = undefined;
        this.#sftp = undefined;
      }
    });
  }

  #dropClient(): void {
    const client = this.#client;
    this.#client = undefined;
    this.#sftp = undefined;
    client?.end();
  }

  async #ensureConnected(signal?: AbortSignal): Promise<Client> {
    this.#throwIfClosed();
    if (this.#client) return this.#client;
    if (this.#reconnecting) throw this.#lost('reconnecting', new Error('the new session closed'));
    // The session dropped (sshd restarted, the machine rebooted by itself): one reconnect, shared
    // by every caller waiting for it, within a short deadline.
    this.#connecting ??= this.reconnect({ timeoutMs: ON_DEMAND_RECONNECT_MS, signal })
      .then(() => {
        if (!this.#client) throw this.#lost('reconnecting', new Error('no session after reconnecting'));
        return this.#client;
      })
      .finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #sftpSession(): Promise<SFTPWrapper> {
    const client = this.#client;
    if (!client) return this.#ensureConnected().then(() => this.#sftpSession());
    this.#sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      const open = (attempt: number) =>
        client.sftp((error, sftp) => {
          if (!error) return resolve(sftp);
          if (!isOpenFailure(error) || attempt >= SESSION_RETRIES) return reject(this.#sessionRefused('SFTP', error));
          setTimeout(() => open(attempt + 1), Math.min(1000, 25 * 2 ** attempt));
        });
      open(0);
    }).catch((error: unknown) => {
      this.#sftp = undefined;
      throw error;
    });
    return this.#sftp;
  }

  async #makeParent(remotePath: string): Promise<void> {
    const parent = posix.dirname(remotePath);
    const made = await this.exec(['mkdir', '-p', parent]);
    if (made.exitCode !== 0) {
      throw new InfrastructureError(`cannot create ${parent} on ${this.what}: ${made.stderr.trim()}`, { code: 'SSH_FILE', hint: `check that ${this.target.username} may write there` });
    }
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new InfrastructureError(`the SSH connection to ${this.what} is closed`, { code: 'SSH_CLOSED' });
  }

  #lost(doing: string, cause: Error): InfrastructureError {
    return new InfrastructureError(`lost the SSH connection to ${this.what} while ${doing}: ${cause.message}`, {
      code: 'SSH_CONNECTION_LOST',
      hint: 'the machine went away (rebooted, crashed, out of memory): see its console or system log',
      cause,
    });
  }

  /** A channel the machine would not open: usually sshd's MaxSessions, else the connection is gone. */
  #sessionRefused(what: string, cause: Error): InfrastructureError {
    if (!isOpenFailure(cause)) return this.#lost(`starting ${what}`, cause);
    return new InfrastructureError(`${this.what} refused a session for ${what}: ${cause.message}`, {
      code: 'SSH_SESSION_REFUSED',
      hint: "sshd's MaxSessions (default 10) limits the sessions of one connection: raise it in sshd_config, or run fewer commands at once",
      cause,
    });
  }

  #hostKeyChanged(offered: string): InfrastructureError {
    return new InfrastructureError(`${this.what} presents a different SSH host key than before (${offered}, pinned ${this.#pinned ?? '?'}): refusing to connect`, {
      code: 'SSH_HOST_KEY_CHANGED',
      hint: 'another machine answers at that address, or its host keys were regenerated; check which machine it is, then start a new run',
    });
  }

  #authFailed(cause: Error): InfrastructureError {
    return new InfrastructureError(`${this.what} refused the SSH key of user ${this.target.username}`, {
      code: 'SSH_AUTH_FAILED',
      hint: `put the public half of the key into ~${this.target.username}/.ssh/authorized_keys on the machine`,
      cause,
    });
  }
}

/**
 * A TCP connection on which sshd has begun to speak (its `SSH-2.0-...` line waits unread in the
 * socket, for ssh2 to read as its first data). A new try every second, each waiting up to `waitMs`:
 * while a QEMU guest boots its user network accepts connections that then hang until a
 * retransmitted SYN reaches the guest, so one try at a time would wait out each hung one, while
 * an sshd that is only slow still gets its full wait.
 */
function socketWithSshBanner(host: string, port: number, waitMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tries = new Set<Socket>();
    let lastError: Error = new Error(`no SSH banner within ${waitMs} ms`);
    let settled = false;
    const settle = (winner: Socket | undefined) => {
      settled = true;
      clearInterval(ticker);
      clearTimeout(budget);
      for (const socket of tries) if (socket !== winner) socket.destroy();
      tries.clear();
      if (winner) resolve(winner);
      else reject(lastError);
    };
    const launch = () => {
      const socket = connectTcp({ host, port });
      tries.add(socket);
      const drop = (error: Error) => {
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.destroy();
        tries.delete(socket);
        lastError = error;
      };
      socket.once('error', drop);
      socket.once('close', () => drop(new Error('the connection closed before sshd said anything')));
      socket.on('readable', () => {
        // Readable at the end of the stream (a guest port nothing listens on yet): reading lets
        // 'close' follow; only data is an answer.
        if (socket.readableLength === 0) return void socket.read();
        socket.removeAllListeners();
        if (settled) socket.destroy();
        else settle(socket);
      });
    };
    const ticker = setInterval(launch, 1000);
    const budget = setTimeout(() => settle(undefined), waitMs);
    launch();
  });
}

/** Marks every process of one exec (children inherit it), so a timeout can find and kill them all. */
export const EXEC_ID_VARIABLE = 'UPGRADE_HARNESS_EXEC_ID';

/**
 * Kills the processes whose environment carries the exec's mark ($1). sshd would not do it: its
 * "signal" request is refused ("session signalling requires privilege separation", OpenSSH 9.2),
 * and closing the channel leaves the program running. Needs only sh, grep and kill.
 */
const KILL_MARKED = `for environ in /proc/[0-9]*/environ; do if grep -qzx "${EXEC_ID_VARIABLE}=$1" "$environ" 2>/dev/null; then pid=\${environ#/proc/}; kill -KILL "\${pid%/environ}" 2>/dev/null; fi; done; true`;

/** The command line the remote shell parses back into exactly these words: prefix, env with the mark and variables, command. */
export function remoteCommandLine(command: readonly string[], env: Record<string, string> = {}, execId?: string, prefix: readonly string[] = []): string {
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not an environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${value}`;
  });
  if (execId) assignments.unshift(`${EXEC_ID_VARIABLE}=${execId}`);
  return [...prefix, ...(assignments.length ? ['env', ...assignments] : []), ...command].map(shellQuote).join(' ');
}

/** The OpenSSH form of a key's fingerprint: SHA256 of the key blob, base64 without padding. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** `SHA256:...` of an OpenSSH public key line (`ssh-ed25519 AAAA... comment`), as ssh-keygen -l prints it. */
export function openSshFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new TypeError(`not an OpenSSH public key: ${publicKeyLine.slice(0, 40)}`);
  return fingerprintOf(Buffer.from(blob, 'base64'));
}

/** ssh2's words for a channel the server would not open (as opposed to a connection gone). */
function isOpenFailure(error: Error): boolean {
  return /channel open failure/i.test(error.message);
}

function sftpCall(call: (done: (error?: Error | null) => void) => void, doing: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    call((error) =>
      error ? reject(new InfrastructureError(`SFTP failed ${doing}: ${error.message}`, { code: 'SSH_FILE', hint: 'check the path and that the user may write there', cause: error })) : resolve(),
    );
  });
}

/** end() asks politely; a machine that does not answer any more is cut off after a second. */
function endClient(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      client.destroy();
      resolve();
    }, 1000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

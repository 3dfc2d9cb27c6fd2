// A client of HAProxy's runtime API (the "stats socket") over TCP: one command per connection,
// answered in full before the promise resolves, so a change is in effect for the next request.
import net from 'node:net';
import { InfrastructureError } from '../../errors.ts';

const COMMAND_TIMEOUT_MS = 5000;

/** Answers that mean success for commands that print something when they work. */
const informational = /^(IP changed from|no need to change|$)/;

export class HaproxyRuntimeApi {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  /** Sends one command and returns HAProxy's whole answer. */
  send(command: string): Promise<string> {
    if (/[;\n]/.test(command)) throw new InfrastructureError(`one runtime API command at a time, got ${JSON.stringify(command)}`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      let answer = '';
      socket.setEncoding('utf8');
      socket.setTimeout(COMMAND_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)));
      socket.on('connect', () => socket.end(`${command}\n`));
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', (error) =>
        reject(new InfrastructureError(`HAProxy runtime API at ${this.host}:${this.port} failed on "${command}": ${error.message}`, { code: 'HAPROXY_API', cause: error })),
      );
      socket.on('close', (hadError) => {
        if (!hadError) resolve(answer);
      });
    });
  }

  /** Sends a command that changes state; any answer other than an acknowledgement is an error. */
  async change(command: string): Promise<void> {
    const answer = (await this.send(command)).trim();
    if (!informational.test(answer)) {
      throw new InfrastructureError(`HAProxy refused "${command}": ${answer}`, { code: 'HAPROXY_REFUSED' });
    }
  }
}

export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  /** 0 stopped, 1 starting, 2 running, 3 stopping. */
  operational: number;
  /** Bit field: 0x01 forced maintenance, 0x08 drain forced... see HAProxy's management guide. */
  admin: number;
  weight: number;
}

/** Parses `show servers state [backend]` (format version 1). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return lines.slice(lines[0]?.trim() === '1' ? 1 : 0).flatMap((line) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) return [];
    return [{ backend: f[1]!, server: f[3]!, address: f[4]!, operational: Number(f[5]), admin: Number(f[6]), weight: Number(f[7]), port: Number(f[18] ?? 0) }];
  });
}

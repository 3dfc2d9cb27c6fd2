// The local platform's FrontDoor: starts front-door-process.ts as a child process and drives it
// over IPC. A promise from setPool/upsert/drain/remove resolves only once the child applied the
// change, so the next request through `url` already sees it.

import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InfrastructureError, WaitTimeoutError } from '../../errors.ts';
import { logTail } from '../../util/log-tail.ts';
import { siblingModule } from '../../util/sibling-module.ts';
import type { FrontDoor, PoolMember } from '../platform.ts';
import type { ChildMessage, ControlRequest, MemberSpec, MemberStatus, ParentMessage } from './front-door-protocol.ts';

export type { MemberStatus } from './front-door-protocol.ts';

export interface LocalFrontDoorOptions {
  /** Readiness path checked on every member, e.g. the scenario's endpoints.ready. */
  healthPath: string;
  /** Default 200. Two failed checks in a row take a member out, two good ones bring it back. */
  healthIntervalMs?: number;
  /** How long one readiness check may take before it counts as failed. Default 1000. */
  healthTimeoutMs?: number;
  /** The proxy's stdout and stderr go here (appended); otherwise the last lines are kept in memory. */
  logFile?: string;
  /** Added to the proxy's environment. */
  env?: Record<string, string>;
  /** How long the proxy may take to listen. Default 10000. */
  startTimeoutMs?: number;
  /** Told when a member's readiness checks take it out of the choice or bring it back (for the timeline). */
  onHealth?: (member: { id: string; version: string; healthy: boolean }) => void;
}

export interface LocalFrontDoor extends FrontDoor, AsyncDisposable {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  /** True when the proxy process ended without being asked to: traffic failures after it are the harness's, not the product's. */
  readonly exitedUnexpectedly: boolean;
  /** Every member the proxy knows, including removed ones still finishing requests. */
  status(): Promise<MemberStatus[]>;
  /** Requests in flight to a member (0 once it is gone and finished). Asks the proxy. */
  inFlight(replicaId: string): Promise<number>;
}

const processFile = fileURLToPath(siblingModule(import.meta.url, 'front-door-process'));
const killAfterMs = 2000;
const keptLines = 50;

export async function startLocalFrontDoor(options: LocalFrontDoorOptions): Promise<LocalFrontDoor> {
  for (const [name, value] of Object.entries({ healthIntervalMs: options.healthIntervalMs, healthTimeoutMs: options.healthTimeoutMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalid(`${name} is ${value}; it must be a number of milliseconds > 0`);
  }
  if (!options.healthPath.startsWith('/')) throw invalid(`healthPath ${JSON.stringify(options.healthPath)} must start with /`);
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  let child: ChildProcess;
  try {
    child = fork(
      processFile,
      ['--health-path', options.healthPath, '--health-interval-ms', String(options.healthIntervalMs ?? 200), '--health-timeout-ms', String(options.healthTimeoutMs ?? 1000)],
      {
        execPath: process.execPath,
        // Not the parent's flags (a test runner's loaders, an inspector port): only type stripping is needed.
        execArgv: ['--disable-warning=ExperimentalWarning'],
        env: { ...process.env, ...options.env },
        stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', logFd, logFd, 'ipc'],
      },
    );
  } finally {
    // The child holds its own copy of the descriptor.
    if (logFd !== undefined) closeSync(logFd);
  }
  const door = new ChildFrontDoor(child, options.logFile);
  if (options.onHealth) {
    const tell = options.onHealth;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'health') tell({ id: message.id, version: message.version, healthy: message.healthy });
    });
  }
  await door.started(options.startTimeoutMs ?? 10_000);
  return door;
}

type Ack = Extract<ChildMessage, { type: 'ack' }>;

interface Pending {
  resolve: (message: Ack) => void;
  reject: (error: Error) => void;
}

interface Entry {
  member: PoolMember;
  draining: boolean;
}

class ChildFrontDoor implements LocalFrontDoor {
  url = '';
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly logFile: string | undefined;
  private readonly recentLines: string[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  /** What the proxy has acknowledged, in pool order, with the caller's Replica objects. */
  private readonly entries = new Map<string, Entry>();
  private exited: Promise<void>;
  private exitedAlready = false;
  private disposed: Promise<void> | undefined;

  constructor(child: ChildProcess, logFile: string | undefined) {
    this.child = child;
    this.pid = child.pid ?? -1;
    this.logFile = logFile;
    // Neither the child nor its output pipes may keep the harness alive on their own.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => this.keep(chunk));
      (stream as { unref?: () => void } | null)?.unref?.();
    }
    this.exited = new Promise((resolve) => {
      const gone = (how: string) => {
        if (this.exitedAlready) return;
        this.exitedAlready = true;
        this.failPending(new InfrastructureError(`the front door process ${how}`, { code: 'FRONT_DOOR_EXITED' }));
        resolve();
      };
      child.once('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
      // Without a pid it never started, and no 'exit' will follow. Other errors (a failed kill or
      // send) are reported where they happen.
      child.on('error', (error) => {
        if (child.pid === undefined) gone(`could not be started: ${error.message}`);
      });
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ack') return;
      const waiter = this.pending.get(message.requestId);
      this.pending.delete(message.requestId);
      this.refWhileBusy();
      waiter?.resolve(message);
    });
    this.refWhileBusy();
  }

  async started(timeoutMs: number): Promise<void> {
    const listening = new Promise<number>((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== 'listening') return;
        this.child.off('message', onMessage);
        resolve(message.port);
      };
      this.child.on('message', onMessage);
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      listening,
      this.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout'))),
    ]);
    clearTimeout(timer);
    if (typeof outcome === 'number') {
      this.url = `http://127.0.0.1:${outcome}`;
      return;
    }
    const tail = await this.logTail();
    await this.stop();
    if (outcome === 'timeout') throw new WaitTimeoutError('the front door process to listen', timeoutMs, tail);
    throw new InfrastructureError(`the front door process exited before it listened${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`, {
      code: 'FRONT_DOOR_START',
      hint: `run \`npx node ${processFile}\` to see why it does not start`,
    });
  }

  async setPool(members: PoolMember[]): Promise<void> {
    const ids = members.map((m) => m.replica.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate !== undefined) throw invalid(`replica ${duplicate} appears twice in the pool`);
    const specs = members.map(toSpec);
    await this.control({ type: 'setPool', members: specs });
    this.entries.clear();
    for (const member of members) this.entries.set(member.replica.id, { member: { ...member }, draining: false });
  }

  async upsert(member: PoolMember): Promise<void> {
    await this.control({ type: 'upsert', member: toSpec(member) });
    this.entries.set(member.replica.id, { member: { ...member }, draining: false });
  }

  async drain(replicaId: string): Promise<void> {
    await this.control({ type: 'drain', id: replicaId });
    const entry = this.entries.get(replicaId);
    if (entry) entry.draining = true;
  }

  async remove(replicaId: string): Promise<void> {
    await this.control({ type: 'remove', id: replicaId });
    this.entries.delete(replicaId);
  }

  /** Members still in the pool; a draining one shows weight 0 (it takes no new requests). */
  get exitedUnexpectedly(): boolean {
    return this.exitedAlready && this.disposed === undefined;
  }

  members(): PoolMember[] {
    return [...this.entries.values()].map(({ member, draining }) => ({ replica: member.replica, weight: draining ? 0 : member.weight }));
  }

  async status(): Promise<MemberStatus[]> {
    return (await this.control({ type: 'status' })).status ?? [];
  }

  async inFlight(replicaId: string): Promise<number> {
    return (await this.status()).filter((m) => m.id === replicaId).reduce((sum, m) => sum + m.inFlight, 0);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.disposed ??= this.stop();
    return this.disposed;
  }

  /** Asks the proxy to exit; kills it if it has not after 2 s. Resolves once the process is gone. */
  private async stop(): Promise<void> {
    if (this.exitedAlready) return;
    if (this.child.connected) this.send({ requestId: this.nextRequestId++, type: 'shutdown' });
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([this.exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, killAfterMs, false)))]);
    clearTimeout(timer);
    if (!gone) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private async control(request: ControlRequest): Promise<Ack> {
    if (this.disposed || this.exitedAlready || !this.child.connected) {
      throw new InfrastructureError('the front door is stopped', { code: 'FRONT_DOOR_STOPPED' });
    }
    const requestId = this.nextRequestId++;
    const answer = await new Promise<Ack>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.refWhileBusy();
      this.send({ requestId, ...request });
    });
    if (answer.error !== undefined) throw new InfrastructureError(`the front door refused ${request.type}: ${answer.error}`, { code: 'FRONT_DOOR_CONTROL' });
    return answer;
  }

  private send(message: ParentMessage): void {
    this.child.send(message, (error) => {
      if (!error) return;
      const waiter = this.pending.get(message.requestId);
      this.pending.delete(message.requestId);
      waiter?.reject(new InfrastructureError(`could not reach the front door process: ${error.message}`, { code: 'FRONT_DOOR_IPC', cause: error }));
    });
  }

  // An idle front door must not keep the harness alive (a forgotten dispose would hang the CLI;
  // the child exits on its own when the channel closes). While a request waits for its answer
  // the channel must keep the event loop alive, or the process could exit mid-await.
  private refWhileBusy(): void {
    const channel = this.child.channel;
    if (!channel) return;
    if (this.pending.size > 0) channel.ref();
    else channel.unref();
  }

  private failPending(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private keep(chunk: string): void {
    this.recentLines.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    this.recentLines.splice(0, Math.max(0, this.recentLines.length - keptLines));
  }

  private logTail(): Promise<string[]> {
    return this.logFile ? logTail(this.logFile) : Promise.resolve(this.recentLines.slice(-20));
  }
}

function toSpec({ replica, weight }: PoolMember): MemberSpec {
  if (!Number.isFinite(weight) || weight < 0) throw invalid(`replica ${replica.id} has weight ${weight}; a weight is a finite number >= 0`);
  try {
    new URL(replica.url);
  } catch {
    throw invalid(`replica ${replica.id} has url ${JSON.stringify(replica.url)}, not an absolute http URL`);
  }
  return { id: replica.id, url: replica.url, weight, version: replica.version };
}

function invalid(message: string): InfrastructureError {
  return new InfrastructureError(`front door: ${message}`, { code: 'FRONT_DOOR_INVALID' });
}

import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { UpgradeFailedError } from '../../errors.ts';
import type { CommandSpec } from '../../matrix/cell.ts';
import { awaitReady } from '../await-ready.ts';
import type { Replica } from '../platform.ts';
import { userEnvironment } from '../../util/user-environment.ts';
import { spawnFailure } from '../spawn-failure.ts';

export interface ReplicaProcessOptions {
  id: string;
  version: string;
  port: number;
  /** Placeholders already filled. */
  spec: CommandSpec;
  /** Extra environment: the run's labels. */
  labels: Record<string, string>;
  logDir: string;
  readyPath: string;
  startTimeoutMs: number;
  stopGraceMs: number;
  signal: AbortSignal;
}

/** One app replica as a child process on 127.0.0.1, ready when its readiness endpoint answers 200. */
export async function startReplicaProcess(options: ReplicaProcessOptions): Promise<Replica> {
  const logFile = join(options.logDir, `replica-${options.id}.log`);
  const [file, ...args] = options.spec.command;
  if (!file) throw new UpgradeFailedError(`replica ${options.id}: empty command`);
  const child: ResultPromise = execa(file, args, {
    cwd: options.spec.cwd,
    // The user's own PATH and Node, not the ones npx put in front to run the harness.
    env: { ...userEnvironment(), ...options.spec.env, ...options.labels },
    extendEnv: false,
    stdin: 'ignore',
    stdout: { file: logFile, append: true },
    stderr: { file: logFile, append: true },
    reject: false,
    // We stop replicas ourselves, gracefully and in order; execa's exit hook is a safety net only.
    cleanup: true,
  });
  // No pid: the program never started, so there is no replica to wait for (and no product to blame).
  if (child.pid === undefined) {
    const failure = spawnFailure(`replica ${options.id} (${options.version})`, options.spec, await child);
    if (failure) throw failure;
  }
  let stopping = false;
  let exited = false;
  const exit = child.then((result) => {
    exited = true;
    return result;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const replica: Replica = {
    id: options.id,
    version: options.version,
    url,
    logFile,
    get exitedUnexpectedly() {
      return exited && !stopping;
    },
    get running() {
      return !exited;
    },
    async stop() {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  await awaitReady(replica, { readyPath: options.readyPath, startTimeoutMs: options.startTimeoutMs, signal: options.signal, logFile });
  return replica;
}

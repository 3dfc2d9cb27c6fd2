import { appendFile, writeFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { migrationFailed, migrationLogFile } from '../migration-outcome.ts';
import type { MigrationKind } from '../platform.ts';
import { setupFailed, setupLogFile } from '../setup-outcome.ts';
import { dockerode } from './docker-runtime.ts';

/** A one-off container of one of the app's images on the cell network, the cell's data folder mounted. */
export interface OneOffOptions {
  image: string;
  command: string[];
  env: Record<string, string>;
  /** Host folders bind-mounted read-write. */
  mounts: { source: string; target: string }[];
  networkName: string;
  labels: Record<string, string>;
  logDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Runs a version's migration command to completion in a one-off container of that version's
 * image; a non-zero exit fails the upgrade.
 */
export async function runMigrationContainer(options: OneOffOptions & { version: string; kind: MigrationKind }): Promise<void> {
  const logFile = migrationLogFile(options.logDir, options.kind, options.version);
  const { outcome, stdout, stderr } = await runOneOff(options);
  await writeFile(logFile, stdout + stderr, { flag: 'a' });
  if (outcome !== 'timeout' && outcome.StatusCode === 0) return;
  throw await migrationFailed(options.kind, options.version, logFile, outcome === 'timeout' ? { timeoutMs: options.timeoutMs } : { exitCode: outcome.StatusCode });
}

/** The setup step in a one-off container: resolves to its standard output; its errors go to setup.log. */
export async function runSetupContainer(options: OneOffOptions): Promise<string> {
  const logFile = setupLogFile(options.logDir);
  const { outcome, stdout, stderr } = await runOneOff(options);
  await writeFile(logFile, stderr, { flag: 'a' });
  if (outcome !== 'timeout' && outcome.StatusCode === 0) return stdout;
  await appendFile(logFile, `[stdout] ${stdout}\n`);
  throw await setupFailed(logFile, outcome === 'timeout' ? `did not finish within ${options.timeoutMs} ms` : `exited with code ${outcome.StatusCode}`);
}

/** Starts the container, waits for it (or the timeout), and removes it whatever happened. */
async function runOneOff(options: OneOffOptions): Promise<{ outcome: { StatusCode: number } | 'timeout'; stdout: string; stderr: string }> {
  const engine = await dockerode();
  const container = await engine.createContainer({
    Image: options.image,
    Cmd: options.command,
    Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`),
    Labels: options.labels,
    HostConfig: { NetworkMode: options.networkName, Binds: options.mounts.map(({ source, target }) => `${source}:${target}:rw`) },
  });
  try {
    await container.start();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.timeoutMs).unref());
    const abort = new Promise<never>((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true }));
    const outcome = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, timer, abort]);
    return { outcome, ...(await output(container)) };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** stdout and stderr, demultiplexed (no TTY): each frame has an 8-byte header, its first byte the stream (1 stdout, 2 stderr). */
async function output(container: Dockerode.Container): Promise<{ stdout: string; stderr: string }> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
  const streams: Record<number, Buffer[]> = { 1: [], 2: [] };
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    (streams[raw[offset]!] ?? streams[2]!).push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(streams[1]!).toString('utf8'), stderr: Buffer.concat(streams[2]!).toString('utf8') };
}

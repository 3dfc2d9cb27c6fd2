import { writeFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { migrationFailed, migrationLogFile } from '../migration-outcome.ts';
import { dockerode } from './docker-runtime.ts';

/**
 * Runs a version's migration command to completion in a one-off container of that version's
 * image on the cell network; a non-zero exit fails the upgrade. The container is removed after.
 */
export async function runMigrationContainer(options: {
  version: string;
  kind: 'pre' | 'post';
  image: string;
  command: string[];
  env: Record<string, string>;
  networkName: string;
  labels: Record<string, string>;
  logDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<void> {
  const logFile = migrationLogFile(options.logDir, options.kind, options.version);
  const engine = await dockerode();
  const container = await engine.createContainer({
    Image: options.image,
    Cmd: options.command,
    Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`),
    Labels: options.labels,
    HostConfig: { NetworkMode: options.networkName },
  });
  let outcome: { StatusCode: number } | 'timeout';
  try {
    await container.start();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.timeoutMs).unref());
    const abort = new Promise<never>((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason), { once: true }));
    outcome = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, timer, abort]);
    await writeFile(logFile, await output(container), { flag: 'a' });
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
  if (outcome !== 'timeout' && outcome.StatusCode === 0) return;
  throw await migrationFailed(options.kind, options.version, logFile, outcome === 'timeout' ? { timeoutMs: options.timeoutMs } : { exitCode: outcome.StatusCode });
}

/** stdout and stderr, demultiplexed (no TTY): each frame has an 8-byte header. */
async function output(container: Dockerode.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

// Small pieces every container of a cell uses: no testcontainers wait (the harness waits itself,
// with its own timeouts and log tails), logs into the cell's log folder, and an identity that
// changes when the container restarts or is replaced.
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { WaitStrategy } from 'testcontainers';
import { dockerode } from './docker-runtime.ts';

/** Resolves as soon as the container runs; readiness is awaited by the caller. */
export function startedOnly(): WaitStrategy {
  let timeout = 60_000;
  const strategy: WaitStrategy = {
    waitUntilReady: async () => undefined,
    withStartupTimeout(ms: number) {
      timeout = ms;
      return strategy;
    },
    isStartupTimeoutSet: () => true,
    getStartupTimeout: () => timeout,
  };
  return strategy;
}

/** A log consumer appending the container's stdout and stderr to `file`. */
export function logTo(file: string): (stream: Readable) => void {
  return (stream) => {
    const out = createWriteStream(file, { flags: 'a' });
    stream.on('data', (line: Buffer | string) => out.write(line));
    stream.on('end', () => out.end());
    stream.on('error', () => out.end());
  };
}

/** "id started-at restarts n", or "gone": any restart or replacement changes it. */
export async function containerIdentity(id: string): Promise<string> {
  try {
    const info = await (await dockerode()).getContainer(id).inspect();
    const state = info.State.Running ? `started ${info.State.StartedAt}` : `not running (${info.State.Status})`;
    return `container ${id.slice(0, 12)} ${state} restarts ${info.RestartCount}`;
  } catch {
    return 'gone';
  }
}

/** Resolves when the container exits, whoever stopped it. */
export async function containerExit(id: string): Promise<void> {
  await (await dockerode())
    .getContainer(id)
    .wait()
    .catch(() => undefined);
}

// The rig suites run where the rig's binaries are built and are skipped, with the reason printed,
// where they are not, unless UPGRADE_HARNESS_REQUIRE_RIG=1 (CI): then the suite builds them
// (minutes, once per machine) instead of hiding behind a skip. useRig() gives a suite one rig for
// the whole file, started before its first test and stopped after its last.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { binariesPresent } from '../rig/build-binaries.ts';
import { startRig, type Rig } from '../rig/rig-api.ts';

export const rigRequired = Boolean(process.env.UPGRADE_HARNESS_REQUIRE_RIG) && process.env.UPGRADE_HARNESS_REQUIRE_RIG !== '0';

export interface RigGate {
  /** True: skip the suite (the reason has been printed). */
  skip: boolean;
  /** For beforeAll: a cold build takes many minutes; with the binaries cached a start takes seconds. */
  startTimeoutMs: number;
}

export async function rigGate(suite: string): Promise<RigGate> {
  const built = await binariesPresent();
  if (!built && !rigRequired) {
    console.log(`${suite} skipped: the rig binaries are not built (\`npm run rig -- build\`, or set UPGRADE_HARNESS_REQUIRE_RIG=1 to build them here)`);
  }
  return { skip: !built && !rigRequired, startTimeoutMs: built ? 180_000 : 45 * 60_000 };
}

export interface RigHandle {
  /** The running rig; only inside tests and hooks that run after beforeAll. */
  readonly current: Rig;
}

/** Call inside a describe: one rig in a fresh folder for its tests; stopped (folder removed) after them. */
export function useRig(gate: RigGate, name = 'rig'): RigHandle {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await startRig(await mkdtemp(join(tmpdir(), `${name}-`)));
  }, gate.startTimeoutMs);
  // Stopping is idempotent, so a suite may stop the rig itself (to check what stop leaves behind).
  afterAll(async () => {
    await rig?.stop();
  }, 60_000);
  return {
    get current(): Rig {
      if (!rig) throw new Error('the rig is not started: use it inside a test, after beforeAll');
      return rig;
    },
  };
}

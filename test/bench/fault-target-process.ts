import { fileURLToPath } from 'node:url';
import type { PlannedWindow, TargetFault, TargetReply, TargetRequest, TrueWindow } from '../fixtures/fault-target.ts';
import type { SentinelReply, SentinelRequest } from '../fixtures/stall-sentinel.ts';
import { sharedNow, startFixtureProcess } from './fixture-process.ts';

const TARGET = fileURLToPath(new URL('../fixtures/fault-target.ts', import.meta.url));
const SENTINEL = fileURLToPath(new URL('../fixtures/stall-sentinel.ts', import.meta.url));

/** The fault target (test/fixtures/fault-target.ts) running in a child process. */
export interface FaultTargetProcess extends AsyncDisposable {
  readonly url: string;
  readonly pid: number;
  /** Fails in `mode` during each planned window; resolves with the true windows (shared clock). */
  run(mode: TargetFault, windows: PlannedWindow[]): Promise<TrueWindow[]>;
  /** The child's shared clock minus ours, from the ping with the shortest round trip. */
  clockOffset(samples: number): Promise<{ offsetMs: number; roundTripMs: number }>;
}

export async function startFaultTarget(): Promise<FaultTargetProcess> {
  const child = await startFixtureProcess<TargetRequest, TargetReply>(TARGET);
  const port = child.hello.type === 'ready' ? child.hello.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async run(mode, windows) {
      const reply = await child.ask({ type: 'run', mode, windows });
      return reply.type === 'ran' ? reply.windows : [];
    },
    async clockOffset(samples) {
      let best = { offsetMs: 0, roundTripMs: Infinity };
      for (let k = 0; k < samples; k++) {
        const before = sharedNow();
        const reply = await child.ask({ type: 'ping' });
        const after = sharedNow();
        if (reply.type === 'pong' && after - before < best.roundTripMs) best = { offsetMs: reply.now - (before + after) / 2, roundTripMs: after - before };
      }
      return best;
    },
    [Symbol.asyncDispose]: () => child.stop(),
  };
}

/** The stall sentinel (test/fixtures/stall-sentinel.ts): when the whole machine paused. */
export interface StallSentinel extends AsyncDisposable {
  readonly pid: number;
  /** Pauses ([from, to] on the shared clock) that ended at or after `since`. */
  stalls(since: number): Promise<[number, number][]>;
}

export async function startStallSentinel(): Promise<StallSentinel> {
  const child = await startFixtureProcess<SentinelRequest, SentinelReply | { type: 'ready'; id?: undefined }>(SENTINEL);
  return {
    pid: child.pid,
    async stalls(since) {
      const reply = await child.ask({ type: 'stalls', since });
      return reply.type === 'stalls' ? reply.stalls : [];
    },
    [Symbol.asyncDispose]: () => child.stop(),
  };
}

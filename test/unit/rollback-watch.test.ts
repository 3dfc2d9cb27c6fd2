// Automatic rollback's analysis: measurements of a sliding window, failureLimit in a row, readiness in time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutoRollbackSettings } from '../../harness/matrix/cell.ts';
import { autoRollbackWhereCarriedOut } from '../../harness/matrix/matrix-rules.ts';
import type { MatrixConfig } from '../../harness/matrix/matrix-schema.ts';
import { watchForRollback, windowFigures } from '../../harness/runner/rollback-watch.ts';
import { OUTCOME_OK, outcomeCode } from '../../harness/traffic/outcome.ts';
import { RecordStore } from '../../harness/traffic/record-store.ts';

const FAILED = outcomeCode('http-5xx');
/** One request every 10 ms from `fromMs` to `toMs`, each answered in 5 ms; `fails(t)` says which failed. */
function traffic(store: RecordStore, fromMs: number, toMs: number, fails: (t: number) => boolean, durationMs = 5): void {
  for (let t = fromMs; t < toMs; t += 10) store.push(t, t, durationMs, fails(t) ? FAILED : OUTCOME_OK, fails(t) ? 500 : 200, '2.0.0');
}
const settings = (over: Partial<AutoRollbackSettings>): AutoRollbackSettings => ({ windowMs: 1000, intervalMs: 100, failureLimit: 2, ...over });

describe('the window a measurement covers', () => {
  it('counts the answers that came in within it, with their p99 and the first failure', () => {
    const store = new RecordStore();
    traffic(store, 0, 2000, (t) => t >= 1500 && t % 30 === 0);
    expect(windowFigures([store], 1000, 2000)).toEqual({ requests: 100, failures: 17, p99Ms: 5, firstFailureMs: 1500 });
    expect(windowFigures([store], 0, 1000).failures).toBe(0);
  });
});

describe('the rollback watch', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());
  const advance = async (store: RecordStore, ms: number, fails: (t: number) => boolean) => {
    for (let step = 0; step < ms; step += 100) {
      traffic(store, clock, clock + 100, fails);
      clock += 100;
      await vi.advanceTimersByTimeAsync(100);
    }
  };

  it('triggers after failureLimit failed measurements in a row, dating detection from the first failure', async () => {
    const store = new RecordStore();
    const watch = watchForRollback(settings({ errorRate: 0.05 }), () => [store], 0, () => clock);
    let tripped: unknown = null;
    void watch.triggered.then((trigger) => (tripped = trigger));
    await advance(store, 1000, () => false);
    expect(tripped).toBeNull();
    await advance(store, 300, (t) => t % 20 === 0); // half of the requests fail from 1000 ms on
    expect(tripped).toMatchObject({ trigger: expect.stringMatching(/^error rate \d+% > 5% over the last 1 s, 2 measurements in a row$/), sinceMs: 1000 });
    watch.stop();
  });

  it('forgives a single failed measurement when failureLimit asks for more', async () => {
    const store = new RecordStore();
    const watch = watchForRollback(settings({ errorRate: 0.5, failureLimit: 3, windowMs: 100 }), () => [store], 0, () => clock);
    let tripped = false;
    void watch.triggered.then(() => (tripped = true));
    await advance(store, 100, () => true);
    await advance(store, 500, () => false);
    expect(tripped).toBe(false);
    watch.stop();
  });

  it('triggers on readiness not reached in time, unless the upgrade became ready', async () => {
    const slow = watchForRollback(settings({ readyWithinMs: 500 }), () => [], 0, () => clock);
    let said = '';
    void slow.triggered.then((trigger) => (said = trigger.trigger));
    await advance(new RecordStore(), 700, () => false);
    expect(said).toBe("not ready within 500 ms of the upgrade's start");
    clock = 0;
    const fast = watchForRollback(settings({ readyWithinMs: 500 }), () => [], 0, () => clock);
    fast.ready();
    let fired = false;
    void fast.triggered.then(() => (fired = true));
    await advance(new RecordStore(), 700, () => false);
    expect(fired).toBe(false);
    fast.stop();
  });
});

describe('where automatic rollback is carried out', () => {
  const config = (platforms: string[], methods: string[], overrides: unknown[] = []) => ({ platforms, methods, overrides, autoRollback: { errorRate: 0.05 } }) as unknown as MatrixConfig;
  it('on local, docker and Kubernetes, for every method but canary, which rolls back on its own; not on machines', () => {
    expect(autoRollbackWhereCarriedOut(config(['local', 'docker', 'kind', 'k3d', 'kubernetes'], ['rolling', 'blue-green', 'helm', 'operator']))).toEqual([]);
    expect(autoRollbackWhereCarriedOut(config(['local', 'vm'], ['rolling', 'canary'])).map((issue) => issue.message)).toEqual([
      'automatic rollback is not carried out on platform vm (a package manager must not be stopped midway): add an override { when: { platform: vm }, autoRollback: null }',
      'canary rolls back on its own gates between steps: add an override { when: { method: canary }, autoRollback: null }',
    ]);
    const turnedOff = [{ when: { platform: 'vm' }, autoRollback: null }, { when: { method: 'canary' }, autoRollback: null }];
    expect(autoRollbackWhereCarriedOut(config(['local', 'vm'], ['rolling', 'canary'], turnedOff))).toEqual([]);
  });
});

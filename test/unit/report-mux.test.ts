import { describe, expect, it } from 'vitest';
import type { Reporter } from '../../harness/report/reporter.ts';
import { createReporterMux } from '../../harness/report/reporter-mux.ts';
import { sampleRun } from '../fixtures/results/sample-run.ts';

function recorder(name: string, calls: string[]): Reporter {
  return {
    name,
    onPhase: (_cell, phase) => {
      calls.push(`${name}:onPhase:${phase}`);
    },
    onRunEnd: async () => {
      calls.push(`${name}:onRunEnd`);
    },
  };
}

describe('createReporterMux', () => {
  it('calls every reporter in order, and skips hooks a reporter does not have', async () => {
    const calls: string[] = [];
    const mux = createReporterMux([recorder('a', calls), { name: 'empty' }, recorder('b', calls)], () => {
      throw new Error('no reporter should fail');
    });
    await mux.onPhase({} as never, 'upgrade');
    await mux.onRunEnd(sampleRun(), '/nowhere');
    await mux.onCellBegin({} as never);
    expect(calls).toEqual(['a:onPhase:upgrade', 'b:onPhase:upgrade', 'a:onRunEnd', 'b:onRunEnd']);
  });

  it('contains a synchronous throw and a rejected promise, and the other reporters still run', async () => {
    const calls: string[] = [];
    const errors: Array<[string, string, unknown]> = [];
    const syncThrower: Reporter = {
      name: 'sync',
      onRunEnd: () => {
        throw new Error('sync boom');
      },
    };
    const asyncThrower: Reporter = {
      name: 'async',
      onRunEnd: async () => {
        await Promise.resolve();
        throw new Error('async boom');
      },
    };
    const mux = createReporterMux([syncThrower, recorder('a', calls), asyncThrower, recorder('b', calls)], (reporter, hook, error) => {
      errors.push([reporter, hook, error]);
    });
    await expect(mux.onRunEnd(sampleRun(), '/nowhere')).resolves.toBeUndefined();
    expect(calls).toEqual(['a:onRunEnd', 'b:onRunEnd']);
    expect(errors.map(([reporter, hook, error]) => [reporter, hook, (error as Error).message])).toEqual([
      ['sync', 'onRunEnd', 'sync boom'],
      ['async', 'onRunEnd', 'async boom'],
    ]);
  });

  it('waits for an async hook before calling the next reporter', async () => {
    const order: string[] = [];
    const slow: Reporter = {
      name: 'slow',
      onRunEnd: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('slow done');
      },
    };
    const mux = createReporterMux([slow, { name: 'next', onRunEnd: () => void order.push('next') }], () => {});
    await mux.onRunEnd(sampleRun(), '/nowhere');
    expect(order).toEqual(['slow done', 'next']);
  });

  it('offers every hook, so callers never check for undefined', () => {
    const mux = createReporterMux([], () => {});
    expect(Object.keys(mux).sort()).toEqual(['onCellBegin', 'onCellEnd', 'onPhase', 'onRunBegin', 'onRunEnd', 'onTraffic']);
  });

  it('keeps `this` bound to the reporter (class-based reporters)', async () => {
    class Counting implements Reporter {
      readonly name = 'counting';
      count = 0;
      onTraffic() {
        this.count += 1;
      }
    }
    const reporter = new Counting();
    const mux = createReporterMux([reporter], (_r, _h, error) => {
      throw error;
    });
    await mux.onTraffic({} as never, { requests: 1, failures: 0, requestsPerSecond: 1 });
    expect(reporter.count).toBe(1);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorBudget } from '../../harness/measure/error-budget.ts';
import { ConfigError } from '../../harness/errors.ts';

describe('errorBudget', () => {
  it('allows exactly floor(requests x (1 - slo)) without floating-point drift', () => {
    expect(errorBudget(1000, 0, 0.999).allowedFailures).toBe(1);
    expect(errorBudget(999, 0, 0.999).allowedFailures).toBe(0);
    expect(errorBudget(10, 0, 0.9).allowedFailures).toBe(1); // 10 * (1 - 0.9) is 0.999... in floats
    expect(errorBudget(100, 0, 0.99).allowedFailures).toBe(1);
    expect(errorBudget(3, 0, 0.7).allowedFailures).toBe(0); // 0.9 rounds down
    expect(errorBudget(1_000_000, 0, 0.99999).allowedFailures).toBe(10);
    expect(errorBudget(10_000_000, 0, 1e-7).allowedFailures).toBe(9_999_999);
  });

  it('handles the ends of the SLO range and no requests', () => {
    expect(errorBudget(500, 3, 1)).toEqual({ slo: 1, allowedFailures: 0, consumedFailures: 3, remaining: -3 });
    expect(errorBudget(500, 3, 0)).toEqual({ slo: 0, allowedFailures: 500, consumedFailures: 3, remaining: 497 });
    expect(errorBudget(0, 0, 0.999)).toEqual({ slo: 0.999, allowedFailures: 0, consumedFailures: 0, remaining: 0 });
  });

  it('goes negative when the budget is overspent', () => {
    expect(errorBudget(2000, 5, 0.999)).toEqual({ slo: 0.999, allowedFailures: 2, consumedFailures: 5, remaining: -3 });
  });

  it('rejects an SLO outside [0, 1] with a hint', () => {
    expect(() => errorBudget(10, 0, 99.9)).toThrow(ConfigError);
    expect(() => errorBudget(10, 0, Number.NaN)).toThrow(ConfigError);
  });

  it('matches exact integer arithmetic for SLOs with up to 5 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000 }), (requests, sloUnits) => {
        const slo = sloUnits / 100_000;
        expect(errorBudget(requests, 0, slo).allowedFailures).toBe(Math.floor((requests * (100_000 - sloUnits)) / 100_000));
      }),
    );
  });
});

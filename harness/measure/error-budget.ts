import { ConfigError } from '../errors.ts';
import type { ErrorBudget } from '../results.ts';

/**
 * Failures the SLO allows over `requests`: floor(requests * (1 - slo)), in exact decimal
 * arithmetic. In floating point 1 - 0.9 is 0.0999..., so 10 requests at 0.9 would allow 0.
 */
export function errorBudget(requests: number, failures: number, slo: number): ErrorBudget {
  if (!(slo >= 0 && slo <= 1)) {
    throw new ConfigError(`SLO must be between 0 and 1, got ${slo}`, [], 'write the SLO as a fraction, e.g. 0.999 for 99.9%');
  }
  const { digits, scale } = exactDecimal(slo);
  const allowed = (BigInt(Math.floor(requests)) * (scale - digits)) / scale;
  const allowedFailures = Number(allowed);
  return { slo, allowedFailures, consumedFailures: failures, remaining: allowedFailures - failures };
}

/** The decimal the number was written as (its shortest round-trip form) as digits / scale. */
function exactDecimal(x: number): { digits: bigint; scale: bigint } {
  const [mantissa = '0', exponentText = '0'] = String(x).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(whole + fraction);
  return exponent >= 0 ? { digits: digits * 10n ** BigInt(exponent), scale: 1n } : { digits, scale: 10n ** BigInt(-exponent) };
}

import type { FailureClass } from '../results.ts';

// One code per request in the record store: 0 is success, every other code is a FailureClass.
// The order is part of stored data only in memory (never serialized), so it may grow freely, up
// to 16 codes (the store keeps it in 4 bits, beside the upstream cause).
export const outcomeClasses = ['ok', 'http-5xx', 'http-4xx', 'refused', 'reset', 'timeout', 'wrong-body', 'no-endpoints', 'other'] as const;
export type OutcomeName = (typeof outcomeClasses)[number];

export const OUTCOME_OK = 0;

export function outcomeCode(name: OutcomeName): number {
  return outcomeClasses.indexOf(name);
}

export function outcomeName(code: number): OutcomeName {
  return outcomeClasses[code] ?? 'other';
}

/** The failure class of a non-ok outcome code. */
export function failureClassOf(code: number): FailureClass {
  const name = outcomeName(code);
  return name === 'ok' ? 'other' : name;
}

const CODE_5XX = outcomeCode('http-5xx');
const CODE_4XX = outcomeCode('http-4xx');
const CODE_OTHER = outcomeCode('other');
const CODE_REFUSED = outcomeCode('refused');
const CODE_RESET = outcomeCode('reset');

/** 2xx and 3xx are successes: a redirect is an answer the application chose to give. */
export function classifyStatus(status: number): number {
  if (status >= 200 && status < 400) return OUTCOME_OK;
  if (status >= 500 && status < 600) return CODE_5XX;
  if (status >= 400) return CODE_4XX;
  return CODE_OTHER;
}

/** Network errors of Node's http client. Timeouts are classified by the driver, which causes them. */
export function classifyError(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return CODE_REFUSED;
  // "socket hang up" is ECONNRESET in Node; a body cut short surfaces as ECONNRESET or aborted.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return CODE_RESET;
  if (error instanceof Error && /socket hang up|aborted/i.test(error.message)) return CODE_RESET;
  return CODE_OTHER;
}

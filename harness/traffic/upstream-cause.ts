import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamCause } from '../results.ts';

// When the front door answers a request itself (a 502/503/504 the app never sent), its
// X-Upstream-Error header says what it saw upstream. One code per request in the record store:
// 0 is "the front door named no cause" (the app answered, or nothing answered at all).
export const UPSTREAM_ERROR_HEADER = 'X-Upstream-Error';
export const upstreamCauses = ['', 'refused', 'reset', 'timeout', 'no-member', 'other'] as const satisfies readonly ('' | UpstreamCause)[];

export const NO_UPSTREAM_CAUSE = 0;
const OTHER = upstreamCauses.indexOf('other');

/** The code of an X-Upstream-Error value; a value this harness does not know is `other`. */
export function upstreamCauseCode(value: string | null | undefined): number {
  if (!value) return NO_UPSTREAM_CAUSE;
  const code = (upstreamCauses as readonly string[]).indexOf(value.trim().toLowerCase());
  return code > 0 ? code : OTHER;
}

/** The cause a code stands for; null for none. */
export function upstreamCauseName(code: number): UpstreamCause | null {
  return code > 0 ? (upstreamCauses[code] ?? 'other') || 'other' : null;
}

/** The code of a response's X-Upstream-Error, for probes on Node's http client. */
export function upstreamCauseOfHeaders(headers: IncomingHttpHeaders): number {
  const value = headers['x-upstream-error'];
  return upstreamCauseCode(typeof value === 'string' ? value : undefined);
}

import type { UpstreamCause } from '../../results.ts';

/**
 * What a failed upstream exchange was, in the words of the X-Upstream-Error header the front
 * door puts on its own 502s. Node's http client reports a connection the replica closed before
 * answering ("socket hang up") as ECONNRESET.
 */
export function upstreamCauseOf(error: NodeJS.ErrnoException): UpstreamCause {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

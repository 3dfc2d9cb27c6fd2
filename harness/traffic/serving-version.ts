import type { IncomingHttpHeaders } from 'node:http';

/**
 * The version that served a response: the app's X-App-Version, else what the front door says of
 * the replica it forwarded to (X-Upstream-Version on its own 502s), so a failure the app never
 * answered is still attributed to the version that dropped it.
 */
export function servingVersion(headers: IncomingHttpHeaders): string | null {
  const app = headers['x-app-version'];
  if (typeof app === 'string') return app;
  const upstream = headers['x-upstream-version'];
  return typeof upstream === 'string' ? upstream : null;
}

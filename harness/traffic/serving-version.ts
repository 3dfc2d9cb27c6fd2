import type { IncomingHttpHeaders } from 'node:http';

/**
 * The version that served a response: the app's own version header (X-App-Version unless the
 * scenario names another), else what the front door says of the replica it forwarded to
 * (X-Upstream-Version), so an answer that carries no version, or a failure the app never
 * answered, is still attributed to the version that served or dropped it.
 */
export function servingVersion(headers: IncomingHttpHeaders, versionHeader = 'x-app-version'): string | null {
  const app = headers[versionHeader.toLowerCase()];
  if (typeof app === 'string') return app;
  const upstream = headers['x-upstream-version'];
  return typeof upstream === 'string' ? upstream : null;
}

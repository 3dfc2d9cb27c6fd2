// Small helpers around node:http so server.mjs reads as a list of routes.

const MAX_BODY_BYTES = 64 * 1024;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Writes a JSON response. Every response names the version that served it, so the harness can
 * attribute each failure to a version. `closing` asks the client to drop the keep-alive
 * connection, which is how a draining replica sheds its clients.
 */
export function sendJson(res, status, body, { version, closing }) {
  const payload = JSON.stringify(body);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'X-App-Version': version,
  };
  if (closing) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(payload);
}

/** Reads and parses a JSON request body; throws HttpError 400/413 for what the client got wrong. */
export async function readJsonBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** An HTML answer (the browser journey's pages); extra headers such as Location for a redirect. */
export class HtmlPage {
  constructor(html, headers = {}) {
    this.html = html;
    this.headers = headers;
  }
}

/** Writes an HtmlPage as HTML and anything else as JSON, with the same version and closing headers. */
export function sendResponse(res, status, body, options) {
  if (!(body instanceof HtmlPage)) return sendJson(res, status, body, options);
  const headers = {
    ...body.headers,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body.html),
    // Every journey must reach the app: a cached page would hide an outage.
    'Cache-Control': 'no-store',
    'X-App-Version': options.version,
  };
  if (options.closing) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body.html);
}

/** Reads a URL-encoded form body (what an HTML form posts); throws HttpError 413 when too large. */
export async function readFormBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

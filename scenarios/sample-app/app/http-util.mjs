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

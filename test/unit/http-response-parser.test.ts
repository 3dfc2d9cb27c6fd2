import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARSE_DONE, PARSE_ERROR, PARSE_MORE, ResponseParser } from '../../harness/traffic/http-response-parser.ts';
import { upstreamCauseName } from '../../harness/traffic/upstream-cause.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

function parseWhole(text: string, head = false) {
  const parser = new ResponseParser();
  parser.reset(head);
  const result = parser.feed(bytes(text));
  return { result, parser };
}

/** Feeds the response cut at the given offsets; returns each step's result. */
function parseInPieces(text: string, cuts: number[]): number[] {
  const parser = new ResponseParser();
  parser.reset();
  const data = bytes(text);
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const results: number[] = [];
  let from = 0;
  for (const to of [...points, data.length]) {
    if (to <= from) continue;
    results.push(parser.feed(data.subarray(from, to)));
    from = to;
  }
  return results;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-App-Version: 2.0.0\r\n\r\n' + '4\r\nabcd\r\n' + '1a;ext=1\r\n' + 'x'.repeat(26) + '\r\n' + '0\r\nTrailer: t\r\n\r\n';
const LENGTH = 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\nKeep-Alive: timeout=5\r\nX-Upstream-Version: 1.0.0\r\n\r\nunavailable\n';

describe('ResponseParser', () => {
  it('frames a body by Content-Length and reads status, version and keep-alive hint', () => {
    const { result, parser } = parseWhole(LENGTH);
    expect(result).toBe(PARSE_DONE);
    expect(parser).toMatchObject({ status: 503, version: '1.0.0', keepAlive: true, keepAliveTimeoutMs: 5000 });
  });

  it("reads the front door's X-Upstream-Error as a cause code, none when absent", () => {
    const named = parseWhole('HTTP/1.1 502 Bad Gateway\r\nX-Upstream-Error: reset\r\nX-Upstream-Version: 1.0.0\r\ncontent-length: 0\r\n\r\n').parser;
    expect([named.status, named.version, upstreamCauseName(named.upstreamCause)]).toEqual([502, '1.0.0', 'reset']);
    expect(upstreamCauseName(parseWhole('HTTP/1.1 503 x\r\nx-upstream-error: no-member\r\ncontent-length: 0\r\n\r\n').parser.upstreamCause)).toBe('no-member');
    expect(upstreamCauseName(parseWhole('HTTP/1.1 502 x\r\nx-upstream-error: on fire\r\ncontent-length: 0\r\n\r\n').parser.upstreamCause)).toBe('other');
    const parser = parseWhole(LENGTH).parser;
    expect(parser.upstreamCause).toBe(0);
  });

  it('prefers X-App-Version over X-Upstream-Version', () => {
    const { parser } = parseWhole('HTTP/1.1 200 OK\r\nx-upstream-version: 1.0.0\r\nx-app-version: 2.0.0\r\ncontent-length: 0\r\n\r\n');
    expect(parser.version).toBe('2.0.0');
  });

  it('frames a chunked body with extensions and trailers', () => {
    const { result, parser } = parseWhole(CHUNKED);
    expect(result).toBe(PARSE_DONE);
    expect(parser).toMatchObject({ status: 200, version: '2.0.0' });
  });

  it('gives the same answer however the bytes are cut into reads', () => {
    for (const response of [CHUNKED, LENGTH]) {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
          const results = parseInPieces(response, cuts);
          expect(results.at(-1)).toBe(PARSE_DONE);
          expect(results.slice(0, -1).every((r) => r === PARSE_MORE)).toBe(true);
        }),
      );
    }
  });

  it('reads a body without length until the connection closes, and then not again', () => {
    const { result, parser } = parseWhole('HTTP/1.0 200 OK\r\n\r\nsome body');
    expect(result).toBe(PARSE_MORE);
    expect(parser.keepAlive).toBe(false);
    expect(parser.end()).toBe(PARSE_DONE);
  });

  it('knows answers without a body: HEAD, 204, 304', () => {
    expect(parseWhole('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', true).result).toBe(PARSE_DONE);
    expect(parseWhole('HTTP/1.1 204 No Content\r\n\r\n').result).toBe(PARSE_DONE);
    expect(parseWhole('HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n').result).toBe(PARSE_DONE);
  });

  it('skips interim 1xx answers', () => {
    const { result, parser } = parseWhole('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    expect(result).toBe(PARSE_DONE);
    expect(parser.status).toBe(201);
  });

  it('honours Connection: close and HTTP/1.0 keep-alive', () => {
    expect(parseWhole('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').parser.keepAlive).toBe(false);
    expect(parseWhole('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').parser.keepAlive).toBe(false);
    expect(parseWhole('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').parser.keepAlive).toBe(true);
  });

  it('rejects what is not an HTTP/1.x response, bytes past the end, and a cut-short body', () => {
    expect(parseWhole('SSH-2.0-OpenSSH\r\n\r\n').result).toBe(PARSE_ERROR);
    expect(parseWhole('HTTP/1.1 abc\r\n\r\n').result).toBe(PARSE_ERROR);
    expect(parseWhole('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA').result).toBe(PARSE_ERROR);
    const { result, parser } = parseWhole('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort');
    expect(result).toBe(PARSE_MORE);
    expect(parser.end()).toBe(PARSE_ERROR);
    expect(parseWhole('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').result).toBe(PARSE_ERROR);
  });

  it('can be reset for the next response on the same connection', () => {
    const parser = new ResponseParser();
    parser.reset();
    expect(parser.feed(bytes(LENGTH))).toBe(PARSE_DONE);
    parser.reset();
    expect(parser.feed(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(PARSE_DONE);
    expect(parser).toMatchObject({ status: 200, version: null, keepAliveTimeoutMs: -1 });
  });
});

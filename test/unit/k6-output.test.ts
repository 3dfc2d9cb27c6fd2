import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { K6OutputParser, parseTime, type K6Request } from '../../harness/traffic/k6-output.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';

const FIXTURE = readFileSync(new URL('../fixtures/k6/output.ndjson', import.meta.url), 'utf8');

function parseAll(text: string): K6Request[] {
  const parser = new K6OutputParser();
  return [...parser.feed(text), ...parser.end()];
}

const readable = (r: K6Request) => ({ start: new Date(Math.floor(r.startUnixMs)).toISOString(), durationMs: Number(r.durationMs.toFixed(6)), outcome: outcomeName(r.outcome), status: r.status });

describe('k6 JSON output -> requests', () => {
  it('turns each request group of the recorded output into one request', () => {
    const requests = parseAll(FIXTURE);
    expect(requests.map(readable)).toEqual([
      // GET /items over a new connection: started at end - blocked (0.9) - duration (1.5).
      { start: '2024-05-01T10:00:00.010Z', durationMs: 2.4, outcome: 'ok', status: 200 },
      { start: '2024-05-01T10:00:00.012Z', durationMs: 2.204, outcome: 'ok', status: 201 },
      { start: '2024-05-01T10:00:00.016Z', durationMs: 1.003, outcome: 'ok', status: 200 },
      { start: '2024-05-01T12:00:01.499Z', durationMs: 0.572, outcome: 'http-5xx', status: 503 },
      { start: '2024-05-01T10:00:01.999Z', durationMs: 0.4, outcome: 'refused', status: 0 },
      { start: '2024-05-01T10:00:02.249Z', durationMs: 2000.023, outcome: 'timeout', status: 0 },
      { start: '2024-05-01T10:00:04.499Z', durationMs: 0.323, outcome: 'reset', status: 0 },
      // No http_req_failed (responseCallback off): judged by the status.
      { start: '2024-05-01T10:00:04.999Z', durationMs: 0.473, outcome: 'http-4xx', status: 404 },
      { start: '2024-05-01T10:00:06.749Z', durationMs: 0.773, outcome: 'ok', status: 200 },
    ]);
  });

  it('keeps sub-millisecond start times (k6 writes nanoseconds)', () => {
    const [first] = parseAll(FIXTURE);
    // 12:00:00.0125 +02:00, minus 2.4 ms.
    expect(first!.startUnixMs).toBeCloseTo(Date.UTC(2024, 4, 1, 10, 0, 0, 10) + 0.1, 6);
  });

  it('gives the same requests however the output is cut into reads (k6 writes it as it goes)', () => {
    const whole = parseAll(FIXTURE);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: FIXTURE.length }), { maxLength: 20 }), (cuts) => {
        const parser = new K6OutputParser();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const got: K6Request[] = [];
        let from = 0;
        for (const to of [...points, FIXTURE.length]) {
          got.push(...parser.feed(FIXTURE.slice(from, to)));
          from = to;
        }
        got.push(...parser.end());
        expect(got).toEqual(whole);
      }),
    );
  });

  it('counts and skips a torn or foreign line instead of failing', () => {
    const lines = FIXTURE.trimEnd().split('\n');
    const torn = [...lines.slice(0, 20), 'not json at all', lines[20]!.slice(0, 30), ...lines.slice(21)].join('\n');
    const parser = new K6OutputParser();
    const requests = [...parser.feed(torn), ...parser.end()];
    expect(parser.skippedLines).toBe(2);
    expect(requests.length).toBeGreaterThanOrEqual(8);
  });

  it('emits the last request of an output that ends without a newline', () => {
    expect(parseAll(FIXTURE.trimEnd())).toHaveLength(9);
  });
});

describe('parseTime (Go RFC 3339 with nanoseconds)', () => {
  it('reads zones and any number of fraction digits', () => {
    expect(parseTime('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTime('2024-05-01T10:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 10) + 500);
    expect(parseTime('2024-05-01T10:00:00.000123456-01:30')).toBeCloseTo(Date.UTC(2024, 4, 1, 11, 30) + 0.123456, 6);
    expect(parseTime('garbage')).toBeNaN();
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outcomeCode } from '../../harness/traffic/outcome.ts';
import { parseCsvLine, readRecordsCsv } from '../../harness/traffic/read-records-csv.ts';
import { CSV_HEADER } from '../../harness/traffic/record-csv.ts';
import { RecordStore } from '../../harness/traffic/record-store.ts';
import { upstreamCauseCode, upstreamCauseName } from '../../harness/traffic/upstream-cause.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'records-csv-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RecordStore.appendCsv: the per-cell request file', () => {
  it('appends only the rows not yet written, under one header, for several probes', async () => {
    const file = join(dir, 'requests.csv');
    const http = new RecordStore();
    const ledger = new RecordStore();
    http.push(1000, 1000.25, 1.5, 0, 200, '1.0.0');
    http.push(1002, 1002.5, 250, outcomeCode('timeout'), 0, null);
    expect(await http.appendCsv(file, 'http')).toBe(2);
    ledger.push(1001, 1001, 3.125, outcomeCode('http-5xx'), 503, 'weird,"version"');
    expect(await ledger.appendCsv(file, 'write-ledger')).toBe(1);
    http.push(1004, 1004.75, 0.5, 0, 200, '2.0.0');
    // Concurrent calls queue up: the new row is written exactly once.
    const [a, b] = await Promise.all([http.appendCsv(file, 'http'), http.appendCsv(file, 'http')]);
    expect(a + b).toBe(1);

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(5);
    expect(lines.filter((l) => l === CSV_HEADER)).toHaveLength(1);
    const second = parseCsvLine(lines[2]!);
    expect(second[0]).toBe('http');
    expect(second.slice(3)).toEqual(['250.000', 'timeout', '0', '', '']);
    expect(parseCsvLine(lines[3]!)[6]).toBe('weird,"version"');
    expect(Number(parseCsvLine(lines[1]!)[1]) - performance.timeOrigin).toBeCloseTo(1000.25, 2);
  });

  it('reads the file back into one store per probe, on this clock', async () => {
    const file = join(dir, 'requests.csv');
    const http = new RecordStore();
    for (let i = 0; i < 10_000; i++) http.push(i * 2, i * 2 + 0.125, 0.5 + (i % 3), i % 50 === 0 ? outcomeCode('reset') : 0, i % 50 === 0 ? 0 : 200, i < 5000 ? '1.0.0' : '2.0.0');
    await http.appendCsv(file, 'http');
    const stores = await readRecordsCsv(file);
    const back = stores.get('http');
    expect([...stores.keys()]).toEqual(['http']);
    expect(back?.length).toBe(10_000);
    for (const i of [0, 50, 4999, 5000, 9999]) {
      // Microseconds are what the file keeps.
      expect(back!.sentMs(i)).toBeCloseTo(http.sentMs(i), 2);
      expect(back!.scheduledMs(i)).toBeCloseTo(http.scheduledMs(i), 2);
      expect(back!.durationMs(i)).toBeCloseTo(http.durationMs(i), 3);
      expect(back!.outcome(i)).toBe(http.outcome(i));
      expect(back!.status(i)).toBe(http.status(i));
      expect(back!.versionName(back!.versionIndex(i))).toBe(http.versionName(http.versionIndex(i)));
    }
  });

  it("keeps what the front door saw upstream in the upstream_error column, and reads files written before it", async () => {
    const file = join(dir, 'requests.csv');
    const http = new RecordStore();
    http.push(10, 10, 1, outcomeCode('http-5xx'), 502, '1.0.0', upstreamCauseCode('reset'));
    http.push(11, 11, 1, outcomeCode('http-5xx'), 503, null, upstreamCauseCode('no-member'));
    http.push(12, 12, 1, outcomeCode('http-5xx'), 503, '1.0.0');
    await http.appendCsv(file, 'http');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.slice(1).map((line) => parseCsvLine(line).slice(5))).toEqual([
      ['502', '1.0.0', 'reset'],
      ['503', '', 'no-member'],
      ['503', '1.0.0', ''],
    ]);
    const back = (await readRecordsCsv(file)).get('http')!;
    expect([0, 1, 2].map((i) => upstreamCauseName(back.upstreamCause(i)))).toEqual(['reset', 'no-member', null]);

    const older = join(dir, 'older.csv');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(older, 'probe,sent_unix_ms,scheduled_unix_ms,duration_ms,outcome,status,version\nhttp,1,1,2,http-5xx,502,1.0.0\n'),
    );
    const old = (await readRecordsCsv(older)).get('http')!;
    expect([old.length, old.status(0), old.upstreamCause(0)]).toEqual([1, 502, 0]);
  });

  it('refuses a file that is not a request file, naming the line', async () => {
    const file = join(dir, 'other.csv');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, `${CSV_HEADER}\nhttp,1,2,3,exploded,200,\n`));
    await expect(readRecordsCsv(file)).rejects.toThrow(/other\.csv:2: not a request line/);
  });
});

describe('parseCsvLine', () => {
  it('splits fields and undoes RFC 4180 quoting', () => {
    expect(parseCsvLine('a,b,,d')).toEqual(['a', 'b', '', 'd']);
    expect(parseCsvLine('a,')).toEqual(['a', '']);
    expect(parseCsvLine('"x,""y""",z')).toEqual(['x,"y"', 'z']);
    expect(parseCsvLine('z,"q"')).toEqual(['z', 'q']);
  });
});

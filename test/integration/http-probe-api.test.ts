// The read probe against an app with its own API: the scenario's headers on every request, the
// version from a header the app names, and an answer of another shape counted as wrong-body
// (over keep-alive, with chunked and fixed-length bodies alike).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpProbe } from '../../harness/traffic/http-probe.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';

let base = '';
let served = 0;
// Every 3rd answer has string ids (the API break), sent chunked; the others are fixed-length.
const server = http.createServer((req, res) => {
  if (req.headers['private-token'] !== 'glpat-123') return void res.writeHead(401).end('{}');
  const n = ++served;
  const broken = n % 3 === 0;
  const body = JSON.stringify({ data: [{ id: broken ? String(n) : n, title: 'x'.repeat(2000) }] });
  res.setHeader('x-notes-version', broken ? '2.0.0' : '1.2.0');
  if (broken) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(body.slice(0, 100));
    setTimeout(() => res.end(body.slice(100)), 2);
  } else {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  }
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the read probe on an app with its own API', () => {
  it('sends its headers, reads the version from the named header, and counts a changed shape as wrong-body of that version', async () => {
    const probe = startHttpProbe({
      baseUrl: base,
      endpoint: { method: 'GET', path: '/api/notes', headers: { 'PRIVATE-TOKEN': 'glpat-123' }, expect: { status: [200], json: { '/data/0/id': 'number' } } },
      versionHeader: 'X-Notes-Version',
      rate: 100,
      timeoutMs: 2000,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const records = await probe.stop();
    const byVersion: Record<string, Record<string, number>> = {};
    records.forEach((i) => {
      const version = records.versionName(records.versionIndex(i)) ?? 'none';
      const outcome = outcomeName(records.outcome(i));
      byVersion[version] ??= {};
      byVersion[version][outcome] = (byVersion[version][outcome] ?? 0) + 1;
    });
    expect(records.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(byVersion).sort()).toEqual(['1.2.0', '2.0.0']);
    expect(byVersion['1.2.0']).toEqual({ ok: expect.any(Number) });
    expect(byVersion['2.0.0']).toEqual({ 'wrong-body': expect.any(Number) });
    expect(probe.stats().failures).toBe(byVersion['2.0.0']!['wrong-body']);
  });
});

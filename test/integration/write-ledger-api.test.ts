// The write ledger against an app with its own API: a form-encoded body from the scenario's
// template, a token in a header, values read back through a JSON pointer, and every lost write
// counted by why it is lost.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWriteLedger } from '../../harness/traffic/write-ledger.ts';

const TOKEN = 'Bearer s3cret-token';
const stored = new Map<string, string>();
let writes = 0;
let base = '';

// By the ledger's key number n (1-based): drops write n when n is a multiple of 4, stores another
// value when of 5, and answers the read-back with 500 when of 6 (every time, so the ledger's
// retries do not hide it).
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.headers.authorization !== TOKEN) return void res.writeHead(401).end();
  const key = url.searchParams.get('key') ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (req.method === 'PUT') {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('name') !== key) return void res.writeHead(422).end();
      writes++;
      const n = Number(key.split('-').pop()) + 1;
      if (n % 4 !== 0) stored.set(key, n % 5 === 0 ? 'something else' : form.get('value')!);
      res.writeHead(201, { 'x-app-version': '2.0' }).end('{}');
    });
    return;
  }
  const n = Number(key.split('-').pop()) + 1;
  if (n % 6 === 0) return void res.writeHead(500).end();
  const value = stored.get(key);
  if (value === undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[]}');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ item: { value } }] }));
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the write ledger on an app with its own API', () => {
  it('writes through the body template with the headers, reads back through the pointer, and says why each lost write is lost', async () => {
    const ledger = startWriteLedger({
      baseUrl: base,
      write: {
        method: 'PUT',
        path: '/items/{{key}}',
        headers: { Authorization: TOKEN, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'name={{key}}&value={{value}}',
        readBack: { path: '/search?key={{key}}', json: '/results/0/item/value' },
      },
      rate: 60,
      timeoutMs: 2000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const records = await ledger.stop();
    const integrity = await ledger.checkIntegrity!();
    expect(records.length).toBeGreaterThanOrEqual(30);
    expect(ledger.stats().failures).toBe(0);
    expect(integrity.writesAcknowledged).toBe(writes);
    // The server's own counts, by the rules it was given.
    let notFound = 0;
    let differentValue = 0;
    let errorStatus = 0;
    for (let n = 1; n <= writes; n++) {
      if (n % 6 === 0) errorStatus++;
      else if (n % 4 === 0) notFound++;
      else if (n % 5 === 0) differentValue++;
    }
    expect(integrity.lostBy).toEqual({ notFound, differentValue, errorStatus });
    expect(integrity.writesLost).toBe(notFound + differentValue + errorStatus);
    expect(integrity.lostExamples?.length).toBe(5);
    expect(integrity.lostExamples?.join('\n')).toMatch(/: (not found in the answer|holds "something else", not "value-\d+"|read-back answered HTTP 500)/);
  });
});

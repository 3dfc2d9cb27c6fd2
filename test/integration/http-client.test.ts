import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/traffic/http-client.ts';
import { startHttpProbe } from '../../harness/traffic/http-probe.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';
import { upstreamCauseName } from '../../harness/traffic/upstream-cause.ts';
import { startFixtureProcess } from '../bench/fixture-process.ts';

const HELLO_SERVER = fileURLToPath(new URL('../fixtures/hello-server.ts', import.meta.url));

interface Exchange {
  tag: number;
  sentMs: number;
  endMs: number;
  outcome: string;
  status: number;
  version: string | null;
  upstreamCause: string | null;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(handler: http.RequestListener, tune?: (server: http.Server) => void) {
  const server = http.createServer(handler);
  tune?.(server);
  const connections = new Set<Socket>();
  let opened = 0;
  server.on('connection', (socket) => {
    opened++;
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), opened: () => opened };
}

function client(url: URL, options: { path?: string; method?: string; timeoutMs?: number; fresh?: boolean; body?: Buffer } = {}) {
  const done: Exchange[] = [];
  const waiters: (() => void)[] = [];
  const c = new HttpClient(
    { url, method: options.method ?? 'GET', path: options.path ?? '/', body: options.body, timeoutMs: options.timeoutMs ?? 2000, newConnectionPerRequest: options.fresh },
    (tag, sentMs, endMs, outcome, status, version, upstreamCause) => {
      done.push({ tag, sentMs, endMs, outcome: outcomeName(outcome), status, version, upstreamCause: upstreamCauseName(upstreamCause) });
      waiters.splice(0).forEach((w) => w());
    },
  );
  cleanups.push(() => c.close());
  const until = async (n: number) => {
    while (done.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  /** Sends one request and waits for its answer. */
  const one = async (tag: number) => {
    const before = done.length;
    c.send(tag);
    await until(before + 1);
    return done[before]!;
  };
  return { c, done, until, one };
}

describe('HttpClient (lean HTTP/1.1 on raw sockets)', () => {
  it('reuses one kept-alive connection for requests one after another', async () => {
    const server = await serve((_req, res) => res.writeHead(200, { 'x-app-version': '1.0.0' }).end('ok'));
    const { c, one } = client(server.url);
    for (let i = 0; i < 20; i++) expect(await one(i)).toMatchObject({ tag: i, outcome: 'ok', status: 200, version: '1.0.0' });
    expect(server.opened()).toBe(1);
    expect(c.connections).toBe(1);
  });

  it("hands over the front door's X-Upstream-Error with its own answers, and none with the app's", async () => {
    const server = await serve((req, res) => {
      if (req.url === '/dropped') res.writeHead(502, { 'x-upstream-error': 'reset', 'x-upstream-version': '1.0.0' }).end('front door');
      else res.writeHead(503, { 'x-app-version': '1.0.0' }).end('app');
    });
    expect(await client(server.url, { path: '/dropped' }).one(1)).toMatchObject({ outcome: 'http-5xx', status: 502, version: '1.0.0', upstreamCause: 'reset' });
    expect(await client(server.url, { path: '/app' }).one(2)).toMatchObject({ outcome: 'http-5xx', status: 503, version: '1.0.0', upstreamCause: null });
  });

  it('opens more connections for concurrent requests instead of queueing them (open loop)', async () => {
    const held: http.ServerResponse[] = [];
    const server = await serve((_req, res) => {
      held.push(res);
      if (held.length === 5) held.forEach((r) => r.end('ok'));
    });
    const { c, until, done } = client(server.url);
    for (let i = 0; i < 5; i++) c.send(i);
    await until(5);
    expect(server.opened()).toBe(5);
    expect(done.map((d) => d.tag).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('sends a body with its length and reads chunked answers', async () => {
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'text/plain' });
        res.write(`${req.method} ${req.headers['content-length']} `);
        res.end(body);
      });
    });
    const { one } = client(server.url, { method: 'POST', body: Buffer.from('{"key":"k"}') });
    expect(await one(1)).toMatchObject({ outcome: 'ok', status: 201 });
    expect(await one(2)).toMatchObject({ outcome: 'ok', status: 201 });
    expect(server.opened()).toBe(1);
  });

  it('uses a fresh connection per request when asked, and closes it', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const { c, one } = client(server.url, { fresh: true });
    for (let i = 0; i < 5; i++) expect((await one(i)).outcome).toBe('ok');
    expect(server.opened()).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(c.connections).toBe(0);
  });

  it('retires a connection the server will close soon, by its Keep-Alive hint', async () => {
    // keepAliveTimeout 1 s is announced as "timeout=1"; the client keeps a margin of 1 s, so
    // every idle connection is already too old to reuse.
    const server = await serve((_req, res) => res.end('ok'), (s) => (s.keepAliveTimeout = 1000));
    const { one } = client(server.url);
    for (let i = 0; i < 3; i++) expect((await one(i)).outcome).toBe('ok');
    expect(server.opened()).toBe(3);
  });

  it('survives the server closing idle connections: no request fails for it', async () => {
    // The server drops each connection 30 ms after answering, announcing nothing.
    const server = await serve((req, res) => {
      res.end('ok');
      setTimeout(() => req.socket.end(), 30);
    });
    const { one } = client(server.url);
    for (let i = 0; i < 4; i++) {
      expect((await one(i)).outcome).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 80)); // past the server's idle timeout
    }
    expect(server.opened()).toBe(4);
  });

  it('classifies refused connections, resets, cut-short bodies and timeouts', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/reset') req.socket.resetAndDestroy();
      else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 5);
      } // '/hang' never answers
    });
    expect((await client(server.url, { path: '/reset' }).one(1)).outcome).toBe('reset');
    expect((await client(server.url, { path: '/cut' }).one(2)).outcome).toBe('reset');
    const hung = await client(server.url, { path: '/hang', timeoutMs: 100 }).one(3);
    expect(hung.outcome).toBe('timeout');
    expect(hung.endMs - hung.sentMs).toBeGreaterThanOrEqual(99);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await client(new URL(`http://127.0.0.1:${port}`)).one(4)).outcome).toBe('refused');
  });

  it('counts an answer that arrives in time as on time even when this process stalls past the deadline', async () => {
    // The server must run elsewhere: it answers while this process is stalled.
    await using server = await startFixtureProcess<{ id: number }, { type: string; port?: number }>(HELLO_SERVER);
    const { c, until, done, one } = client(new URL(`http://127.0.0.1:${server.hello.port}`), { timeoutMs: 50 });
    expect((await one(0)).outcome).toBe('ok'); // a connected socket, so the request leaves at once
    c.send(1);
    const stallUntil = performance.now() + 150;
    while (performance.now() < stallUntil) {
      // The answer waits in the socket meanwhile; the deadline passes.
    }
    await until(2);
    expect(done[1]!.outcome).toBe('ok');
  });
});

describe('http probe, closed loop', () => {
  it('keeps N requests in flight over N connections and records every request', async () => {
    let received = 0;
    const server = await serve((_req, res) => {
      received++;
      res.end('ok');
    });
    const probe = startHttpProbe({ baseUrl: server.url.href, endpoint: { method: 'GET', path: '/' }, rate: 1, timeoutMs: 2000, closedLoop: { concurrency: 4 } });
    while (probe.stats().requests < 500) await new Promise((resolve) => setTimeout(resolve, 5));
    const records = await probe.stop();
    expect(records.length).toBe(received);
    expect(probe.stats()).toMatchObject({ failures: 0, inFlight: 0 });
    expect(server.opened()).toBe(4);
    // Closed loop: each request is due when its lane frees, and leaves right then.
    records.forEach((i) => expect(records.scheduledMs(i)).toBeLessThanOrEqual(records.sentMs(i)));
  });
});

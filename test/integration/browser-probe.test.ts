// The browser probe in real Chromium: journeys against a tiny fixture page whose behaviour the test
// switches (healthy, 503, wrong result page, hanging, down), and one against the real sample-app.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type StartedDatabase } from '../../harness/platforms/local/embedded-database.ts';
import { freePort } from '../../harness/util/free-port.ts';
import type { Scenario } from '../../harness/matrix/cell.ts';
import { startBrowserProbe } from '../../harness/traffic/browser-probe.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';
import { ProbeUnavailable, type RunningProbe } from '../../harness/traffic/probe.ts';
import type { RecordStore } from '../../harness/traffic/record-store.ts';
import { assertBrowserPresent, browserAvailability } from '../support/browser-available.ts';

const browser = await browserAvailability('browser probe tests');

type Mode = 'ok' | 'http-503' | 'wrong-body' | 'hang' | 'no-form';

/**
 * A form page: GET / (form), POST /add (303 to /done), GET /done (shows the text). The mode in
 * force when a journey loads the form travels with it (in the form's action), so each journey's
 * outcome is decided by the mode at its start however slowly the machine runs it.
 */
async function startFixturePage(version: string): Promise<{ url: string; setMode(mode: Mode): void; close(): Promise<void> }> {
  let mode: Mode = 'ok';
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const send = (status: number, html: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/html', 'cache-control': 'no-store', 'x-app-version': version, ...headers });
      response.end(`<!DOCTYPE html><html><body>${html}</body></html>`);
    };
    if (request.method === 'GET' && url.pathname === '/') {
      if (mode === 'hang') return; // never answers; the probe's timeout ends the journey
      if (mode === 'http-503') return send(503, 'unavailable');
      if (mode === 'no-form') return send(200, '<p>maintenance</p>');
      return send(200, `<form method="post" action="/add?mode=${mode}"><input name="text"><input type="hidden" name="h" value="x"><textarea name="note"></textarea><button>Save</button></form>`);
    }
    if (request.method === 'POST' && url.pathname === '/add') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        // Both text fields carry the journey's value; the hidden one is left alone.
        const ok = form.get('text') === form.get('note') && form.get('h') === 'x';
        const text = url.searchParams.get('mode') === 'wrong-body' || !ok ? 'something else' : (form.get('text') ?? '');
        send(303, '', { location: `/done?text=${encodeURIComponent(text)}&typed=${encodeURIComponent(form.get('text') ?? '')}` });
      });
      return;
    }
    if (url.pathname === '/done') {
      // The value inside an input does not count as shown: only the paragraph does.
      const text = (url.searchParams.get('text') ?? '').replace(/</g, '&lt;');
      return send(200, `<input value="${(url.searchParams.get('typed') ?? '').replace(/"/g, '')}"><p>${text}</p>`);
    }
    send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (next) => (mode = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function scenarioWithJourney(journey: Scenario['probes']['browser']): Scenario {
  return {
    name: 'fixture-page',
    file: '/dev/null',
    dir: '/',
    versions: [],
    upgradeStops: [],
    endpoints: { health: '/', ready: '/', version: { path: '/' } },
    probes: { read: { method: 'GET', path: '/' }, ...(journey ? { browser: journey } : {}) },
    startTimeoutMs: 1000,
    stopGraceMs: 1000,
    database: 'postgres',
  };
}

interface Row {
  scheduledMs: number;
  sentMs: number;
  durationMs: number;
  outcome: string;
  status: number;
  version: string | null;
}

function rows(records: RecordStore): Row[] {
  const list: Row[] = [];
  records.forEach((i) =>
    list.push({
      scheduledMs: records.scheduledMs(i),
      sentMs: records.sentMs(i),
      durationMs: records.durationMs(i),
      outcome: outcomeName(records.outcome(i)),
      status: records.status(i),
      version: records.versionName(records.versionIndex(i)),
    }),
  );
  return list.sort((a, b) => a.sentMs - b.sentMs);
}

/** Waits until the probe's records satisfy `done` (each journey bounds itself by its timeout). */
async function until(probe: RunningProbe, what: string, done: (records: Row[]) => boolean, limitMs = 90_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done(rows(probe.records))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; records: ${JSON.stringify(rows(probe.records).map((r) => r.outcome))}`);
    await sleep(50);
  }
}

const count = (outcome: string) => (records: Row[]) => records.filter((r) => r.outcome === outcome).length;

/** Processes whose environment carries the marker: the browser and every child it started. */
async function processesMarked(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.includes(marker)) found.push(Number(entry));
  }
  return found;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(browser.skip)('browser probe (real Chromium)', () => {
  it('runs the journey open loop: one ok record per journey, at its scheduled time, with the serving version', async () => {
    assertBrowserPresent(browser);
    const page = await startFixturePage('7.1.0');
    cleanups.push(page.close);
    // A cap far above what the happy path needs: this test is about correct journeys, not about a
    // starved machine (there, journeys due while every page is busy count as failed, by design).
    const probe = await startBrowserProbe({ baseUrl: page.url, scenario: scenarioWithJourney({ path: '/', form: 'form' }), rate: 2, timeoutMs: 15_000, maxConcurrent: 100 });
    cleanups.push(async () => void (await probe.stop()));
    await until(probe, '4 journeys', (records) => records.length >= 4);
    const records = rows(await probe.stop());
    expect(records.length).toBeGreaterThanOrEqual(4);
    expect(records.map((r) => r.outcome)).toEqual(records.map(() => 'ok'));
    expect(new Set(records.map((r) => r.version))).toEqual(new Set(['7.1.0']));
    expect(new Set(records.map((r) => r.status))).toEqual(new Set([200]));
    // Open loop: scheduled 500 ms apart whatever the journeys took; each journey took time.
    const scheduled = records.map((r) => r.scheduledMs).sort((a, b) => a - b);
    scheduled.slice(1).forEach((ms, k) => expect(ms - (scheduled[k] ?? 0)).toBeCloseTo(500, 3));
    for (const r of records) {
      expect(r.sentMs).toBeGreaterThanOrEqual(r.scheduledMs);
      expect(r.durationMs).toBeGreaterThan(0);
    }
  });

  it('classifies failed journeys: 503 with its version, a wrong result page, a missing form, a refused connection', async () => {
    assertBrowserPresent(browser);
    const page = await startFixturePage('8.0.0');
    cleanups.push(page.close);
    const probe = await startBrowserProbe({ baseUrl: page.url, scenario: scenarioWithJourney({ path: '/', form: 'form' }), rate: 2, timeoutMs: 15_000, maxConcurrent: 100 });
    cleanups.push(async () => void (await probe.stop()));
    page.setMode('http-503');
    await until(probe, '2 journeys answered 503', (records) => count('http-5xx')(records) >= 2);
    page.setMode('wrong-body');
    await until(probe, '2 wrong result pages', (records) => count('wrong-body')(records) >= 2);
    page.setMode('no-form');
    await until(probe, '2 pages without the form', (records) => count('wrong-body')(records) >= 4);
    await page.close();
    await until(probe, '2 refused journeys', (records) => count('refused')(records) >= 2);
    const records = rows(await probe.stop());
    const byOutcome = (outcome: string) => records.filter((r) => r.outcome === outcome);
    const summary = (list: Row[]) => list.map((r) => `${r.outcome} ${r.status} ${r.version}`);
    expect(summary(byOutcome('http-5xx'))).toEqual(byOutcome('http-5xx').map(() => 'http-5xx 503 8.0.0'));
    expect(summary(byOutcome('wrong-body'))).toEqual(byOutcome('wrong-body').map(() => 'wrong-body 200 8.0.0'));
    // Refused at the first step: nothing answered. A journey caught mid-way keeps the version of its form page.
    expect(byOutcome('refused').every((r) => r.status === 0)).toBe(true);
    expect(byOutcome('refused').some((r) => r.version === null)).toBe(true);
    expect(summary(byOutcome('other'))).toEqual([]);
    expect(probe.stats().failures).toBe(records.filter((r) => r.outcome !== 'ok').length);
  });

  it('caps concurrent journeys: a journey due while every page is busy is recorded as failed, hanging ones time out', async () => {
    assertBrowserPresent(browser);
    const page = await startFixturePage('1.0.0');
    cleanups.push(page.close);
    page.setMode('hang');
    const probe = await startBrowserProbe({ baseUrl: page.url, scenario: scenarioWithJourney({ path: '/', form: 'form' }), rate: 10, timeoutMs: 1500, maxConcurrent: 2 });
    cleanups.push(async () => void (await probe.stop()));
    await until(probe, '2 timeouts', (records) => count('timeout')(records) >= 2);
    expect(probe.stats().inFlight).toBeLessThanOrEqual(2);
    const records = rows(await probe.stop());
    const notStarted = records.filter((r) => r.outcome === 'other');
    expect(notStarted.length).toBeGreaterThanOrEqual(4);
    expect(notStarted.every((r) => r.durationMs < 100 && r.status === 0)).toBe(true);
    expect(records.filter((r) => r.outcome === 'timeout').length).toBeGreaterThanOrEqual(2);
    expect(records.every((r) => r.outcome !== 'ok')).toBe(true);
  });

  it('leaves nothing behind: stop() ends every browser process and removes its profile folder', async () => {
    assertBrowserPresent(browser);
    const page = await startFixturePage('1.0.0');
    cleanups.push(page.close);
    const marker = `UH_BROWSER_PROBE_TEST=${process.pid}-${Date.now()}`;
    const [key = '', value = ''] = marker.split('=');
    const probe = await startBrowserProbe({ baseUrl: page.url, scenario: scenarioWithJourney({ path: '/', form: 'form' }), rate: 2, timeoutMs: 5000, browserEnv: { [key]: value } });
    cleanups.push(async () => void (await probe.stop()));
    await until(probe, '1 journey', (records) => records.length >= 1);
    const running = await processesMarked(marker);
    expect(running.length).toBeGreaterThan(0);
    const commandLines = await Promise.all(running.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    const profile = commandLines.join('\0').split('\0').find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
    expect(profile).toBeTruthy();
    await probe.stop();
    expect(await processesMarked(marker)).toEqual([]);
    await expect(stat(profile ?? '/nonexistent')).rejects.toThrow(/ENOENT/);
  });

  it('is unavailable, with the reason, when the scenario has no journey or no Chromium is installed', async () => {
    assertBrowserPresent(browser);
    await expect(startBrowserProbe({ baseUrl: 'http://127.0.0.1:1', scenario: scenarioWithJourney(undefined), rate: 1, timeoutMs: 1000 })).rejects.toThrow(ProbeUnavailable);
    const saved = process.env.UPGRADE_HARNESS_CHROMIUM;
    process.env.UPGRADE_HARNESS_CHROMIUM = '/nonexistent/chromium';
    try {
      const attempt = startBrowserProbe({ baseUrl: 'http://127.0.0.1:1', scenario: scenarioWithJourney({ path: '/', form: 'form' }), rate: 1, timeoutMs: 1000 });
      await expect(attempt).rejects.toThrow(ProbeUnavailable);
      await expect(attempt).rejects.toThrow(/no Chromium at \/nonexistent\/chromium/);
    } finally {
      if (saved === undefined) delete process.env.UPGRADE_HARNESS_CHROMIUM;
      else process.env.UPGRADE_HARNESS_CHROMIUM = saved;
    }
  });
});

const SAMPLE_APP = resolve(import.meta.dirname, '../../scenarios/sample-app');

describe.skipIf(browser.skip)('browser probe against sample-app (real Chromium, real PostgreSQL)', () => {
  let folder = '';
  let database: StartedDatabase | undefined;
  let app: ChildProcess | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'browser-probe-sample-app-'));
    // initdb runs as the unprivileged postgres user, which must reach the data folder.
    await chmod(folder, 0o755);
    database = await startEmbeddedDatabase({ dataDir: join(folder, 'data'), logDir: folder });
    const env = { ...process.env, DATABASE_URL: database.url };
    for (const kind of ['pre', 'post']) await promisify(execFile)(process.execPath, ['app/migrate.mjs', kind, '1.1.0'], { cwd: SAMPLE_APP, env });
    const port = await freePort();
    app = spawn(process.execPath, ['app/server.mjs'], { cwd: SAMPLE_APP, env: { ...env, PORT: String(port), APP_VERSION: '1.1.0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ready, failed) => {
      app?.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready());
      app?.once('exit', (code) => failed(new Error(`sample-app exited with ${code}`)));
    });
    baseUrl = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await once(app, 'exit');
    }
    await database?.[Symbol.asyncDispose]();
    if (folder) await rm(folder, { recursive: true, force: true });
  }, 60_000);

  it('fills the form on /, submits it and finds the text on the saved page; every value is in the database', async () => {
    assertBrowserPresent(browser);
    const scenario = { ...scenarioWithJourney({ path: '/', form: 'form' }), name: 'sample-app' };
    const probe = await startBrowserProbe({ baseUrl, scenario, rate: 2, timeoutMs: 15_000, maxConcurrent: 100 });
    cleanups.push(async () => void (await probe.stop()));
    await until(probe, '3 journeys', (records) => records.length >= 3);
    const records = rows(await probe.stop());
    expect(records.map((r) => r.outcome)).toEqual(records.map(() => 'ok'));
    expect(new Set(records.map((r) => r.version))).toEqual(new Set(['1.1.0']));
    const client = new pg.Client({ connectionString: database?.url });
    await client.connect();
    try {
      const saved = await client.query("select key, title from items where key like 'page-%'");
      expect(saved.rows.length).toBe(records.length);
      expect(saved.rows.every((row: { title: string }) => /^uh[0-9a-f]{8}-\d+$/.test(row.title))).toBe(true);
    } finally {
      await client.end();
    }
  });
});

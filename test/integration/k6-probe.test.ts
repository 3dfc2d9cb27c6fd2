import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startK6Probe } from '../../harness/traffic/k6-probe.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';
import { ProbeUnavailable } from '../../harness/traffic/probe.ts';

const FAKE_K6 = fileURLToPath(new URL('../fixtures/k6/fake-k6.ts', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scenarios/sample-app/k6/journey.ts', import.meta.url));

let dir: string;
let savedPath: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-probe-'));
  savedPath = process.env.PATH;
});
afterEach(async () => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_K6_ARGS;
  delete process.env.FAKE_K6_EXIT;
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A fake k6 (test/fixtures/k6/fake-k6.ts) first on PATH: no real k6 can be installed here. */
async function installFakeK6(): Promise<void> {
  const k6 = join(dir, 'k6');
  await writeFile(k6, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_K6}" "$@"\n`);
  await chmod(k6, 0o755);
  process.env.PATH = `${dir}:${savedPath}`;
}

describe('k6 probe', () => {
  it('is unavailable, with the reason, when no k6 is on PATH', async () => {
    process.env.PATH = dir;
    const started = startK6Probe({ baseUrl: 'http://127.0.0.1:1', script: SCRIPT, timeoutMs: 1000 });
    await expect(started).rejects.toBeInstanceOf(ProbeUnavailable);
    await expect(started).rejects.toThrow('no k6 binary on PATH');
  });

  it('reports k6 failing on its own (a script error) when stopped, with what k6 said', async () => {
    await installFakeK6();
    process.env.FAKE_K6_EXIT = '107';
    process.env.FAKE_K6_ARGS = join(dir, 'args.json');
    const probe = await startK6Probe({ baseUrl: 'http://127.0.0.1:8080', script: SCRIPT, timeoutMs: 1500 });
    // Once the fake has written its arguments it ends with 107 whatever signal it gets.
    await waitFor(() => existsSync(process.env.FAKE_K6_ARGS!));
    await expect(probe.stop()).rejects.toThrow(/k6 exited with code 107/);
    await expect(probe.stop()).rejects.toMatchObject({ code: 'K6_FAILED', hint: expect.stringContaining('SyntaxError') });
  });

  it('runs k6 with the documented arguments, follows its JSON output, and stops it with SIGINT', { timeout: 20_000 }, async () => {
    await installFakeK6();
    process.env.FAKE_K6_ARGS = join(dir, 'args.json');

    const probe = await startK6Probe({ baseUrl: 'http://127.0.0.1:8080', script: SCRIPT, timeoutMs: 1500 });
    // Half the requests are written at once and read while k6 "runs".
    await waitFor(() => probe.stats().requests >= 3);
    expect(probe.stats().requests).toBeLessThan(9);
    const records = await probe.stop();
    expect(records.length).toBe(9);
    const outcomes: string[] = [];
    records.forEach((i) => outcomes.push(outcomeName(records.outcome(i))));
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'http-5xx', 'refused', 'timeout', 'reset', 'http-4xx', 'ok']);
    expect(probe.stats()).toMatchObject({ requests: 9, failures: 5 });
    expect(records.sentMs(0)).toBe(records.scheduledMs(0));

    const args = JSON.parse(await readFile(join(dir, 'args.json'), 'utf8')) as string[];
    expect(args[0]).toBe('run');
    expect(args).toContain('-e');
    expect(args).toContain('BASE_URL=http://127.0.0.1:8080');
    expect(args).toContain('TIMEOUT_MS=1500');
    expect(args.some((a) => /^json=.+output\.ndjson$/.test(a))).toBe(true);
    expect(args.at(-1)).toBe(SCRIPT);
    // Stopping twice is harmless and returns the same records.
    expect(await probe.stop()).toBe(records);
  });
});

// `trend DIR --out OUT` through the real CLI, over results.json files written here by hand (no
// matrix runs): the folder layouts CI leaves, a broken file among them, and a folder with none.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CellResult, RunResults } from '../../harness/results.ts';
import { launchChromium } from '../../harness/traffic/chromium.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell, sampleRun, skippedCell } from '../fixtures/results/sample-run.ts';
import { assertBrowserPresent, browserAvailability } from '../support/browser-available.ts';
import { runCli, testDir } from '../support/cli.ts';

function results(runId: string, startedAt: string, cells: CellResult[]): RunResults {
  return { ...sampleRun(cells), runId, startedAt, finishedAt: startedAt };
}

async function put(dir: string, path: string, content: RunResults | string): Promise<void> {
  const file = join(dir, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** Two runs with a verdict (one failed), one nested a level deeper with none, and a broken file. */
async function history(): Promise<string> {
  const dir = await testDir();
  await put(dir, 'run-2/results.json', results('run-2', '2026-02-02T03:00:00.000Z', [passedCell(), rollbackCell()]));
  await put(dir, 'run-1/results.json', results('run-1', '2026-02-01T03:00:00.000Z', [passedCell(), gateFailedCell()]));
  await put(dir, 'ci-artifacts/job-3/results.json', results('run-3', '2026-02-03T03:00:00.000Z', [errorCell(), skippedCell()]));
  await put(dir, 'run-4/results.json', '{ "schemaVersion": 1, "cells": [');
  return dir;
}

describe('upgrade-harness trend', () => {
  it('writes trend.html over every run in the folder and says what it read', async () => {
    const dir = await history();
    const out = join(await testDir(), 'trend-out');
    const result = await runCli(['trend', dir, '--out', out]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toBe(`trend: read 3 runs and 5 cell keys from ${dir}; wrote ${join(out, 'trend.html')}`);
    expect(result.stderr).toMatch(new RegExp(`warning: ${join(dir, 'run-4/results.json')} is not valid JSON: .*; skipped`));

    const html = await readFile(join(out, 'trend.html'), 'utf8');
    for (const key of ['local/1.0.0-to-1.1.0/rolling', 'local/1.0.0-to-1.1.0/recreate', 'docker/1.0.0-to-1.1.0/blue-green', 'local/1.1.0-to-2.0.0/blue-green', 'local/1.1.0-to-2.0.0/canary']) {
      expect(html).toContain(`<code>${key}</code>`);
    }
    expect(html).toContain('change-failure rate');
    expect(html).toContain('50%: 1 of 2 runs had a failed cell; 1 run had no verdict at all (only error or skipped cells), not counted');
    expect(html).toContain('median 0 ms, max 0 ms over 1 rollback');
  });

  it('exits 2 naming the folder when it holds no readable results.json', async () => {
    const dir = await testDir();
    await put(dir, 'run-1/results.json', 'not json');
    const out = join(await testDir(), 'never');
    const result = await runCli(['trend', dir, '--out', out]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(`${dir} holds no readable results.json: expected DIR/results.json, DIR/<run>/results.json or DIR/<folder>/<run>/results.json; 1 file was skipped`);
    expect(await stat(out).catch(() => null)).toBeNull();

    const empty = await testDir();
    const none = await runCli(['trend', empty, '--out', out]);
    expect(none.exitCode, none.stdout + none.stderr).toBe(2);
    expect(none.stderr).toContain(`${empty} holds no readable results.json`);
  });

  it('says when the folder holds runs of more than one matrix', async () => {
    const dir = await history();
    await put(dir, 'docker-run/results.json', { ...results('d-1', '2026-02-04T03:00:00.000Z', [passedCell()]), matrix: 'docker' });
    const out = await testDir();
    const result = await runCli(['trend', dir, '--out', out]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toBe(`trend: read 4 runs and 6 cell keys from ${dir} (2 matrices, each shown on its own: docker 1 run, quickstart 3 runs); wrote ${join(out, 'trend.html')}`);
    expect(await readFile(join(out, 'trend.html'), 'utf8')).toContain('This folder holds runs of 2 matrices');
  });
});

const browserCheck = await browserAvailability('trend.html browser check');

describe.skipIf(browserCheck.skip)('trend.html in Chromium', () => {
  it('loads from file: with no console error and no request outside file:', async () => {
    assertBrowserPresent(browserCheck);
    const dir = await history();
    const out = await testDir();
    expect((await runCli(['trend', dir, '--out', out])).exitCode).toBe(0);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      await context.route(
        (url) => url.protocol !== 'file:',
        (route) => route.abort('blockedbyclient'),
      );
      const page = await context.newPage();
      const problems: string[] = [];
      const requested: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(pathToFileURL(join(out, 'trend.html')).href, { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(requested.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
      expect(await page.locator('svg.trend-chart').count()).toBe(15);
      const box = await page.locator('svg.trend-chart').first().boundingBox();
      expect(box?.width).toBeGreaterThan(200);
    } finally {
      await browser.close();
    }
  });
});

// report.html from a real run, opened in real Chromium as a release manager would: it must work
// offline (no request leaves file:), run without console errors, count verdicts right, filter,
// and draw every cell's timeline. A screenshot is kept under test-results/ as an artifact.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellStatus, RunResults } from '../../harness/results.ts';
import { launchChromium } from '../../harness/traffic/chromium.ts';
import { assertBrowserPresent, browserAvailability } from '../support/browser-available.ts';
import { projectRoot, readResults, runCli, tempOut } from '../support/cli.ts';

const browserCheck = await browserAvailability('report.html browser tests');
const artifacts = join(projectRoot, 'test-results');

describe.skipIf(browserCheck.skip)('report.html in Chromium', () => {
  let out: Awaited<ReturnType<typeof tempOut>> | undefined;
  let results: RunResults;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    assertBrowserPresent(browserCheck);
    out = await tempOut();
    const run = await runCli(['run', 'test/fixtures/e2e/tiny-http-mixed.yaml', '--out', out.dir]);
    // One cell breaches its gate by design: exit 1 is "a cell failed", anything else is a broken run.
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    results = await readResults(out.dir);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Anything but the file itself is a request the offline report must never make: refuse it.
    await context.route(
      (url) => url.protocol !== 'file:',
      (route) => route.abort('blockedbyclient'),
    );
    page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(pathToFileURL(join(out.dir, 'report.html')).href, { waitUntil: 'load' });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await out?.cleanup();
  });

  const count = (selector: string): Promise<number> => page.locator(selector).count();
  const visible = (selector: string): Promise<number> => page.locator(`${selector}:visible`).count();
  const statusCount = (status: CellStatus): number => results.cells.filter((cell) => cell.status === status).length;

  it('the run behind it has a passed and a failed cell', () => {
    expect(statusCount('passed')).toBe(1);
    expect(statusCount('failed')).toBe(1);
  });

  it('loads with no console error and no request outside file:', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });

  it('the grid shows every cell with its verdict, and the header counts agree', async () => {
    expect(await count('table.grid a.grid-entry')).toBe(results.cells.length);
    for (const status of ['passed', 'failed', 'error', 'skipped'] as const) {
      expect(await count(`table.grid a.grid-entry.status-${status}`), status).toBe(statusCount(status));
      expect(await page.locator(`.counts .count-${status}`).innerText()).toBe(`${statusCount(status)} ${status}`);
    }
    await expect(page.locator('.verdict').innerText()).resolves.toContain('1 cell failed: local/1.0-to-2.0/recreate');
  });

  it("draws every cell's timeline: a visible svg with request areas and the failed cell's outages", async () => {
    const sections = page.locator('section.cell-detail');
    expect(await sections.count()).toBe(results.cells.length);
    for (const cell of results.cells) {
      const section = sections.filter({ has: page.locator('.cell-id', { hasText: cell.id }) });
      const svg = section.locator('svg.timeline').first();
      const box = await svg.boundingBox();
      expect(box?.width, cell.id).toBeGreaterThan(300);
      expect(box?.height, cell.id).toBeGreaterThan(50);
      // getBBox is the rendered geometry: an empty or unparsable path would measure 0 x 0.
      const drawn = await svg.locator('path.ok').evaluate((path) => {
        const box = (path as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return { width: box.width, height: box.height };
      });
      expect(drawn.width * drawn.height, `${cell.id} ok area`).toBeGreaterThan(0);
      const outages = cell.traffic?.outages.length ?? 0;
      expect(await section.locator('svg.timeline').first().locator('g.outage').count(), cell.id).toBe(outages);
    }
    expect(await count('section.cell-detail[data-status="failed"] svg.timeline g.outage')).toBeGreaterThan(0);
  });

  it('filters: unticking passed hides the passed cells; a method filter keeps only that method', async () => {
    const shown = () => page.locator('#shown-count').innerText();
    expect(await visible('section.cell-detail')).toBe(results.cells.length);
    await page.locator('input[data-filter="status"][value="passed"]').uncheck();
    expect(await visible('section.cell-detail')).toBe(statusCount('failed'));
    expect(await visible('a.grid-entry')).toBe(statusCount('failed'));
    expect(await visible('section.cell-detail[data-status="passed"]')).toBe(0);
    expect(await shown()).toBe(String(statusCount('failed')));

    await page.locator('input[data-filter="status"][value="passed"]').check();
    await page.locator('select[data-filter="method"]').selectOption('rolling');
    expect(await visible('section.cell-detail')).toBe(1);
    expect(await visible('section.cell-detail[data-method="rolling"]')).toBe(1);
    expect(await shown()).toBe('1');

    await page.locator('select[data-filter="method"]').selectOption('');
    expect(await visible('section.cell-detail')).toBe(results.cells.length);
    expect(consoleErrors).toEqual([]);
  });

  it('keeps a full-page screenshot as a test artifact', async () => {
    await mkdir(artifacts, { recursive: true });
    const file = join(artifacts, 'report-browser.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    // A PNG, and not a blank one: a rendered report compresses far worse than an empty page.
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});

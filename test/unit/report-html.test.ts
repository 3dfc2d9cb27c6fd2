import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../harness/report/html-report.ts';
import { mergeBuckets } from '../../harness/report/html-timeline-svg.ts';
import type { CellResult } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell, sampleRun, skippedCell } from '../fixtures/results/sample-run.ts';

const run = sampleRun();
const html = renderHtmlReport(run);

/** The detail sections, keyed by the cell id in their heading. */
function sections(page: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of page.matchAll(/<section class="cell-detail[\s\S]*?<\/section>/g)) {
    const id = /<span class="cell-id">([^<]*)<\/span>/.exec(match[0])?.[1];
    if (id) found.set(id, match[0]);
  }
  return found;
}

function section(page: string, escapedId: string): string {
  const found = sections(page).get(escapedId);
  if (!found) throw new Error(`no section for ${escapedId}`);
  return found;
}

describe('renderHtmlReport', () => {
  it('shows the verdict line, counts and every cell id', () => {
    expect(html).toContain('1 cell failed: local/1.0.0-to-1.1.0/recreate');
    expect(html).toMatch(/class="verdict status-failed"/);
    for (const status of ['2 passed', '1 failed', '1 error', '1 skipped']) expect(html).toContain(status);
    for (const cell of run.cells) expect(sections(html).has(cell.id)).toBe(true);
  });

  it('says all passed when they did', () => {
    const page = renderHtmlReport(sampleRun([passedCell(), rollbackCell()]));
    expect(page).toContain('2 of 2 cells passed');
    expect(page).toMatch(/class="verdict status-passed"/);
  });

  it('marks grid entries and details with data-status, data-platform and data-method', () => {
    for (const cell of run.cells) {
      const marker = `data-status="${cell.status}" data-platform="${cell.platform}" data-method="${cell.method}"`;
      // one grid entry and one detail section per cell
      const count = html.split(marker).length - 1;
      expect(count, cell.id).toBeGreaterThanOrEqual(2);
    }
    expect(html.match(/<a class="grid-entry[^"]*"/g)).toHaveLength(run.cells.length);
    expect(html.match(/<section class="cell-detail/g)).toHaveLength(run.cells.length);
  });

  it('lays the grid out as hops by platform x method, each entry linking to its detail', () => {
    const grid = /<table class="grid">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(grid.match(/<th class="hop">/g)).toHaveLength(2);
    expect(grid).toContain('1.0.0 → 1.1.0');
    expect(grid).toContain('1.1.0 → 2.0.0');
    const columnHeads = [...grid.matchAll(/<th><span class="platform">([^<]*)<\/span><br>([^<]*)<\/th>/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(columnHeads).toEqual(['local/rolling', 'local/recreate', 'local/blue-green', 'local/canary', 'docker/blue-green']);
    const anchors = [...grid.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(anchors).toHaveLength(run.cells.length);
    for (const anchor of anchors) expect(html).toMatch(new RegExp(`<section [^>]*id="${anchor}"`));
    expect(grid).toContain('outage 842 ms');
  });

  it('draws one timeline per cell with traffic, with the outage duration, phases and events', () => {
    for (const cell of run.cells) {
      const svgs = section(html, cell.id).match(/<svg /g) ?? [];
      expect(svgs.length, cell.id).toBe((cell.traffic ? 1 : 0) + (cell.rollback ? 1 : 0));
    }
    const failed = section(html, gateFailedCell().id);
    const svg = /<svg[\s\S]*<\/svg>/.exec(failed)?.[0] ?? '';
    expect(svg).toContain('>842 ms</text>');
    expect(svg).toMatch(/<g class="outage"><title>outage 842 ms in upgrade, 84 failed requests<\/title>/);
    for (const phase of ['warm-up', 'upgrade', 'settle', 'verify']) expect(svg).toContain(`>${phase}</text>`);
    expect(svg.match(/<g class="event">/g)).toHaveLength(3);
    expect(svg).toContain('<polyline class="latency"');
    expect(section(html, errorCell().id)).toContain('no traffic was recorded');
  });

  it('shows gates, failures by class and version, per-phase traffic, reproduce command and logs link', () => {
    const failed = section(html, gateFailedCell().id);
    expect(failed).toContain('<span class="fail">FAIL</span>');
    expect(failed).toMatch(/<td>refused<\/td><td>82<\/td>/);
    expect(failed).toMatch(/<td>1\.0\.0<\/td><td>84<\/td>/);
    expect(failed).toMatch(/<td>upgrade<\/td><td>500<\/td><td>84<\/td>/);
    expect(failed).toContain('Gates breached: longestOutageMs 842 &gt; 0');
    expect(failed).toContain('upgrade-harness run matrices/quickstart.yaml --only &#39;local/1.0.0-to-1.1.0/recreate&#39;');
    expect(failed).toContain('href="logs/local_1.0.0-to-1.1.0_recreate"');
  });

  it('names what the front door saw upstream, per outage and in its own table', () => {
    const cell = gateFailedCell();
    const traffic = cell.traffic!;
    const explained: CellResult = {
      ...cell,
      traffic: {
        ...traffic,
        failuresByClass: { 'http-5xx': 84 },
        failuresByUpstreamCause: { reset: 80, 'no-member': 4 },
        outages: traffic.outages.map((outage) => ({ ...outage, causes: { 'http-5xx': 84 }, upstreamCauses: { reset: 80, 'no-member': 4 } })),
      },
    };
    const detail = section(renderHtmlReport(sampleRun([explained])), cell.id);
    expect(detail).toContain('Failures by upstream cause');
    expect(detail).toMatch(/<td>reset<\/td><td>80<\/td>/);
    expect(detail).toContain('http-5xx 84; front door saw reset 80, no-member 4');
    // Results written before the breakdown existed show none.
    expect(section(html, cell.id)).toMatch(/Failures by upstream cause[\s\S]*?none/);
  });

  it('draws the rollback chart from the start of the rollback phase', () => {
    const svgs = section(html, rollbackCell().id).match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(2);
    const [upgradeChart = '', rollbackChart = ''] = svgs;
    // The upgrade chart starts at the traffic (provisioning folded above it), the rollback chart at
    // the rollback; the axis reads wall-clock time, the offset in each tick's tooltip.
    expect(upgradeChart).toContain('>warm-up</text>');
    expect(upgradeChart).not.toContain('>provision</text>');
    expect(upgradeChart).toMatch(/<\/title>\d\d:\d\d:\d\d<\/text>/);
    expect(rollbackChart).not.toContain('>warm-up</text>');
    expect(rollbackChart).toContain('<title>+10 s</title>');
    expect(rollbackChart).toContain('>rollback</text>');
  });

  it('shows rollback measures only when the cell rolled back, and the error with its hint', () => {
    expect(section(html, rollbackCell().id)).toContain('Rollback measures');
    expect(section(html, passedCell().id)).not.toContain('Rollback measures');
    const error = section(html, errorCell().id);
    expect(error).toContain('PORT_IN_USE');
    expect(error).toContain('How to fix:</strong> stop whatever listens on port 8080');
    const cut = section(html, skippedCell().id);
    expect(cut).toContain('<span class="badge">interrupted</span>');
    expect(cut).toContain('no gate was judged, and nothing here is a finding');
  });

  it('escapes injected markup everywhere text from results lands', () => {
    const evil = '<script>alert(1)</script>';
    const base = gateFailedCell();
    const cell: CellResult = {
      ...base,
      id: `local/${evil}`,
      platform: `plat"${evil}`,
      method: `m'${evil}`,
      from: evil,
      error: { code: evil, message: evil, hint: evil, kind: 'product' },
      phases: base.phases.map((phase) => ({ ...phase, name: `${phase.name}${evil}` })),
      events: [{ at: base.startedAt, atMs: 100, phase: evil, message: evil }],
      logs: 'javascript:alert(1)',
      reproduce: evil,
    };
    const page = renderHtmlReport({ ...sampleRun([cell]), matrix: evil, runId: evil });
    expect(page).not.toContain('<script>alert');
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).toContain('data-platform="plat&quot;&lt;script&gt;');
  });

  it('is self-contained: no external resource, and a policy that only lets its own script run', () => {
    expect(html).not.toMatch(/\s(src|srcset)=/);
    expect(html).not.toMatch(/href="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain("default-src &#39;none&#39;");
  });

  it('draws an empty chart, not a broken page, when the series has no buckets', () => {
    const base = passedCell();
    const cell: CellResult = { ...base, traffic: { ...base.traffic!, series: { bucketMs: 0, ok: [], failed: [], latencyP95: [] } } };
    const svg = /<svg[\s\S]*?<\/svg>/.exec(renderHtmlReport(sampleRun([cell])))?.[0] ?? '';
    expect(svg).toContain('</svg>');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('keeps a long cell small: the timeline is capped, not one shape per bucket', () => {
    const base = gateFailedCell();
    const buckets = 200_000;
    const traffic = base.traffic!;
    const cell: CellResult = {
      ...base,
      traffic: {
        ...traffic,
        series: { bucketMs: 10, ok: new Array<number>(buckets).fill(9), failed: new Array<number>(buckets).fill(1), latencyP95: new Array<number>(buckets).fill(20) },
      },
    };
    const page = renderHtmlReport(sampleRun([cell]));
    expect(page.length).toBeLessThan(120_000);
    const merged = mergeBuckets(cell.traffic!.series);
    expect(merged.ok.length).toBeLessThanOrEqual(480);
    expect(merged.ok.reduce((a, b) => a + b, 0)).toBe(buckets * 9);
    expect(merged.failed.reduce((a, b) => a + b, 0)).toBe(buckets);
    expect(merged.columnMs * merged.ok.length).toBeGreaterThanOrEqual(buckets * 10);
  });
});

/** A fake of the few DOM calls the inline filter script makes: enough to run it and watch `hidden`. */
function runFilterScript(page: string) {
  const attrs = (tag: string): Record<string, string> =>
    Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const listeners: Array<() => void> = [];
  const element = (tag: string, tagName: string) => {
    const attributes = attrs(tag);
    return {
      tagName,
      hidden: false,
      checked: / checked/.test(tag),
      value: attributes.value ?? '',
      textContent: '',
      getAttribute: (name: string) => attributes[name] ?? null,
      addEventListener: (_type: string, listener: () => void) => listeners.push(listener),
    };
  };
  const boxes = [...page.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => element(m[0], 'INPUT'));
  const selects = [...page.matchAll(/<select [^>]*>/g)].map((m) => element(m[0], 'SELECT'));
  const targets = [...page.matchAll(/<(a|section) [^>]*data-status[^>]*>/g)].map((m) => element(m[0], (m[1] ?? '').toUpperCase()));
  const shown = element('', 'STRONG');
  const document = {
    querySelectorAll: (selector: string) => (selector.startsWith('input') ? boxes : selector.startsWith('select') ? selects : targets),
    getElementById: () => shown,
  };
  const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
  runInNewContext(script, { document, Object, String });
  const change = () => listeners.forEach((listener) => listener());
  return { boxes, selects, targets, shown, change };
}

describe('report.html filters', () => {
  it('hide grid entries and details that do not match the verdict, platform and method', () => {
    const ui = runFilterScript(html);
    expect(ui.targets.every((target) => !target.hidden)).toBe(true);
    expect(ui.shown.textContent).toBe('5');

    for (const box of ui.boxes) box.checked = box.value !== 'passed';
    ui.change();
    expect(ui.targets.filter((target) => !target.hidden).map((target) => target.getAttribute('data-status')).sort()).toEqual(
      ['error', 'error', 'failed', 'failed', 'skipped', 'skipped'],
    );
    expect(ui.shown.textContent).toBe('3');

    for (const box of ui.boxes) box.checked = true;
    const platform = ui.selects.find((select) => select.getAttribute('data-filter') === 'platform')!;
    const method = ui.selects.find((select) => select.getAttribute('data-filter') === 'method')!;
    platform.value = 'docker';
    ui.change();
    expect(ui.targets.filter((target) => !target.hidden).every((target) => target.getAttribute('data-platform') === 'docker')).toBe(true);
    expect(ui.shown.textContent).toBe('1');

    platform.value = '';
    method.value = 'blue-green';
    ui.change();
    expect(ui.shown.textContent).toBe('2');
  });
});

import { describe, expect, it } from 'vitest';
import { buildTrends, type TrendInput } from '../../harness/report/trend/trend-figures.ts';
import { renderTrendHtml } from '../../harness/report/trend/trend-html.ts';
import { renderLineChart } from '../../harness/report/trend/trend-svg.ts';
import type { CellResult, Provenance, RunResults } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, sampleRun } from '../fixtures/results/sample-run.ts';

const provenance = { matrixDigest: 'sha256:old' } as Provenance;

function run(runId: string, startedAt: string, cells: CellResult[], changes: Partial<RunResults> = {}): TrendInput {
  return { file: `history/${runId}/results.json`, results: { ...sampleRun(cells), runId, startedAt, ...changes } };
}

describe('trend.html', () => {
  const runs = [
    run('r1', '2026-01-01T00:00:00Z', [passedCell(), gateFailedCell()], { provenance }),
    run('r2', '2026-01-02T00:00:00Z', [passedCell(), { ...gateFailedCell(), status: 'error' }], { provenance: { matrixDigest: 'sha256:new' } as Provenance }),
    run('r3', '2026-01-03T00:00:00Z', [passedCell()], { provenance: { matrixDigest: 'sha256:new' } as Provenance }),
  ];
  const html = renderTrendHtml(buildTrends(runs), 'history');

  it('puts the DORA measures first, with honest labels', () => {
    expect(html.indexOf('change-failure rate')).toBeLessThan(html.indexOf('Runs, oldest first'));
    expect(html).toContain('33%: 1 of 3 runs had a failed cell');
    expect(html).toContain('rollback recovery (longest outage during rollback)');
    expect(html).toContain('no cell with a verdict rolled back');
    expect(html).toContain('median cell duration');
  });

  it('marks the run of an edited matrix in its run header', () => {
    expect(html).toMatch(/#1 <code>r1<\/code><span class="edited"[^>]*>matrix edited<\/span>/);
    expect(html).not.toMatch(/#2 <code>r2<\/code><span class="edited"/);
  });

  it('draws three charts per cell key, and the missing and error runs as gaps', () => {
    expect(html.match(/<svg class="trend-chart"/g)).toHaveLength(6);
    const recreate = /<section class="trend-cell"[^>]*>\s*<h3><code>local\/1\.0\.0-to-1\.1\.0\/recreate<\/code>[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(recreate).toContain('#2 r2: error, no figure');
    expect(recreate).toContain('#3 r3: not in this run');
    expect(recreate.match(/<circle class="point/g)).toHaveLength(3);
    expect(recreate).toContain('not in this run</span>');
  });

  it('loads nothing and runs nothing', () => {
    expect(html).toContain('content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:"');
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|src="http/);
  });

  it('says when the folder holds more than one matrix, and shows each on its own', () => {
    const mixed = renderTrendHtml(buildTrends([...runs, run('d1', '2026-01-04T00:00:00Z', [errorCell()], { matrix: 'docker' })]), 'history');
    expect(mixed).toContain('This folder holds runs of 2 matrices (docker: 1 run, quickstart: 3 runs); each is shown on its own, never mixed.');
    expect(mixed.match(/<section class="matrix">/g)).toHaveLength(2);
    expect(mixed).toContain('no run had a verdict; 1 run had no verdict at all (only error or skipped cells), not counted');
  });

  it('escapes what results carry', () => {
    const page = renderTrendHtml(buildTrends([run('<b>x</b>', '2026-01-01T00:00:00Z', [{ ...passedCell(), id: 'local/<img src=x>' }], { matrix: '"m"&' })]), 'h');
    expect(page).not.toContain('<b>x</b>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x&gt;');
    expect(page).toContain('Matrix &quot;m&quot;&amp;');
  });
});

describe('renderLineChart', () => {
  const chart = (values: (number | null)[]) =>
    renderLineChart({ label: 'x', points: values.map((value, i) => ({ value, title: `#${i + 1}`, className: '' })), format: String, firstLabel: '#1', lastLabel: `#${values.length}` });

  it('breaks the line at a gap instead of drawing through it', () => {
    expect(/d="([^"]*)"/.exec(chart([1, 2, null, 4, 5]))?.[1]).toMatch(/^M[^M]*L[^M]*M[^M]*L[^M]*$/);
  });

  it('draws all-zero figures along the bottom and no line when there is nothing to plot', () => {
    expect(chart([0, 0])).toContain('M50 78L270 78');
    expect(chart([null, null])).not.toContain('<path');
  });
});

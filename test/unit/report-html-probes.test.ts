import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../harness/report/html-report.ts';
import type { CellResult, TrafficSummary } from '../../harness/results.ts';
import { gateFailedCell, sampleRun } from '../fixtures/results/sample-run.ts';

const latencyMs = { p50: 3, p95: 8, p99: 20, max: 40 };

function withProbes(byProbe: TrafficSummary['byProbe'] | undefined): CellResult {
  const cell = gateFailedCell();
  const traffic = { ...cell.traffic! };
  if (byProbe === undefined) delete (traffic as Partial<TrafficSummary>).byProbe;
  else traffic.byProbe = byProbe;
  return { ...cell, traffic };
}

describe('report.html traffic by probe', () => {
  it('shows one row per probe with its own figures', () => {
    const html = renderHtmlReport(
      sampleRun([
        withProbes({
          http: { requests: 1200, failures: 84, availability: 0.93, longestOutageMs: 842, latencyMs },
          browser: { requests: 10, failures: 3, availability: 0.7, longestOutageMs: 4100, latencyMs: { p50: 450, p95: 900, p99: 1200, max: 1300 } },
        }),
      ]),
    );
    expect(html).toContain('<h3>Traffic by probe</h3>');
    expect(html).toContain('<td>browser</td><td>10</td><td>3</td><td>70%</td><td>4.1 s</td><td>450 ms / 900 ms / 1.2 s</td>');
    expect(html).toContain('<td>http</td><td>1200</td><td>84</td><td>93%</td><td>842 ms</td>');
  });

  it('renders a results file written before per-probe figures existed, without the panel', () => {
    const html = renderHtmlReport(sampleRun([withProbes(undefined)]));
    expect(html).not.toContain('Traffic by probe');
    expect(html).toContain('<h3>Outages</h3>');
  });
});

import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../harness/results.ts';
import { readResults, runCli, tempOut, type CliResult } from '../support/cli.ts';

// The README's main job, end to end: 8 cells on the local platform under live traffic.
describe('the quickstart matrix on the local platform', () => {
  let out: Awaited<ReturnType<typeof tempOut>>;
  let run: CliResult;
  let results: RunResults;
  beforeAll(async () => {
    out = await tempOut();
    run = await runCli(['run', 'matrices/quickstart.yaml', '--out', out.dir]);
    results = await readResults(out.dir);
  }, 300_000);
  afterAll(() => out.cleanup());

  it('passes every cell and exits 0', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(results.cells).toHaveLength(8);
    expect(results.cells.map((cell) => cell.status)).toEqual(Array(8).fill('passed'));
  });

  it('records zero failed requests and zero lost writes for rolling, blue-green and canary', () => {
    for (const cell of results.cells.filter((c) => c.method !== 'recreate')) {
      expect(cell.traffic?.failures, cell.id).toBe(0);
      expect(cell.traffic?.requests, cell.id).toBeGreaterThan(300);
      expect(cell.integrity?.writesLost, cell.id).toBe(0);
      expect(cell.integrity?.writesAcknowledged, cell.id).toBeGreaterThan(0);
    }
  });

  it('records an outage for recreate, inside the upgrade, attributed to the front door having no replica', () => {
    for (const cell of results.cells.filter((c) => c.method === 'recreate')) {
      const traffic = cell.traffic!;
      expect(traffic.longestOutageMs, cell.id).toBeGreaterThan(0);
      expect(traffic.outages.every((outage) => outage.phase === 'upgrade'), cell.id).toBe(true);
      expect(traffic.byPhase['upgrade']?.failures, cell.id).toBe(traffic.failures);
      expect(traffic.failuresByClass['http-5xx'], cell.id).toBe(traffic.failures);
      expect(cell.errorBudget?.consumedFailures).toBe(traffic.failures);
    }
  });

  it('ends each hop on the new version: the last phases are served by it alone', () => {
    for (const cell of results.cells) {
      expect(cell.traffic?.requestsByVersion[cell.to], cell.id).toBeGreaterThan(0);
      expect(cell.phases.map((phase) => phase.name).slice(0, 5)).toEqual(['provision', 'install', 'warm-up', 'migrate-pre', 'upgrade']);
      expect(cell.gates.find((gate) => gate.name === 'unintendedRestarts')).toMatchObject({ actual: 0, passed: true });
    }
  });

  it('writes junit.xml with one testcase per cell, report.html and summary.md', async () => {
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out.dir, 'junit.xml'), 'utf8'));
    const suites = [junit.testsuites.testsuite].flat();
    const cases = suites.flatMap((suite: { testcase: unknown }) => [suite.testcase].flat());
    expect(cases).toHaveLength(8);
    const html = await readFile(join(out.dir, 'report.html'), 'utf8');
    for (const cell of results.cells) expect(html).toContain(cell.id);
    expect(await readFile(join(out.dir, 'summary.md'), 'utf8')).toContain('8 of 8 cells passed');
  });

  it('gate judges the run by a release policy: the bundled one passes, a no-outage policy fails recreate', async () => {
    const resultsFile = join(out.dir, 'results.json');
    const release = await runCli(['gate', resultsFile, '--policy', 'matrices/release-policy.yaml']);
    expect(release.exitCode, release.stdout + release.stderr).toBe(0);
    expect(release.stdout).toContain('PASS - 8 of 8 cells meet the policy');
    const strict = await runCli(['gate', resultsFile, '--policy', 'test/fixtures/policies/no-outage.yaml']);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toMatch(/FAIL local\/1\.0\.0-to-1\.1\.0\/recreate: upgrade longestOutageMs \d+(\.\d+)? breaches maximum 0/);
    expect(strict.stdout).toContain('ok   local/1.0.0-to-1.1.0/rolling');
    const againstItself = await runCli(['gate', resultsFile, '--policy', 'matrices/release-policy.yaml', '--baseline', resultsFile]);
    expect(againstItself.exitCode, againstItself.stdout).toBe(0);
    expect(againstItself.stdout).toContain('PASS - 8 of 8 cells meet the policy');
    // The baseline it used, and each cell's margin to its limit.
    expect(againstItself.stdout).toContain(`  baseline: run ${results.runId} (`);
    expect(againstItself.stdout).toMatch(/ok {3}local\/1\.0\.0-to-1\.1\.0\/rolling: longestOutageMs \d+(\.\d+)? against \d+(\.\d+)? \(run /);
    const broken = await runCli(['gate', resultsFile, '--policy', 'test/fixtures/policies/broken.yaml']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:2 gates\.failedRequests: /);
    expect(broken.stderr).toMatch(/broken\.yaml:3 require: /);
  });

  it('report re-renders every report from results.json alone', async () => {
    for (const file of ['junit.xml', 'report.html', 'summary.md']) await rm(join(out.dir, file));
    const report = await runCli(['report', join(out.dir, 'results.json')]);
    expect(report.exitCode, report.stderr).toBe(0);
    for (const file of ['junit.xml', 'report.html', 'summary.md']) expect((await stat(join(out.dir, file))).size).toBeGreaterThan(100);
  });
});

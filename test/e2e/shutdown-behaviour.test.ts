import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';

// The harness must tell an app that finishes in-flight requests on SIGTERM from one that drops
// them: same app, same slow reads, same rolling upgrade; only the shutdown differs.
describe('rolling upgrade of an app under traffic, judged by its shutdown', () => {
  it('fails the failedRequests gate when shutdown drops in-flight requests', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/abrupt-shutdown.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.status).toBe('failed');
    expect(cell?.error).toBeNull();
    expect(cell?.traffic?.failures).toBeGreaterThan(0);
    const gate = cell?.gates.find((g) => g.name === 'failedRequests');
    expect(gate).toMatchObject({ passed: false, threshold: 0 });
    expect(gate?.actual).toBe(cell?.traffic?.failures);
    // The dropped requests were in flight on old replicas while the upgrade stopped them (a request
    // sent just before a phase boundary may be counted in the phase next to it).
    expect(cell?.traffic?.byPhase['upgrade']?.failures).toBeGreaterThan(0);
    // The front door answers 502 for a request its replica dropped, naming the replica's version.
    expect(cell?.traffic?.failuresByClass['http-5xx']).toBe(cell?.traffic?.failures);
    expect(cell?.traffic?.failuresByVersion['1.0.0']).toBe(cell?.traffic?.failures);
    // ...and saying what it saw: the replica broke the connection off (or, for a request sent just
    // as it died, refused a new one).
    const causes = cell?.traffic?.failuresByUpstreamCause ?? {};
    expect(causes.reset).toBeGreaterThan(0);
    expect((causes.reset ?? 0) + (causes.refused ?? 0)).toBe(cell?.traffic?.failures);
  });

  it('passes with zero failures when shutdown finishes in-flight requests', async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/slow-reads.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [cell] = (await readResults(out)).cells;
    expect(cell?.status).toBe('passed');
    expect(cell?.traffic?.failures).toBe(0);
    expect(cell?.traffic?.requests).toBeGreaterThan(100);
    expect(cell?.traffic?.requestsByVersion['1.1.0']).toBeGreaterThan(0);
  });
});

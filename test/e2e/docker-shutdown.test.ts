import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults, runCli, testDir } from '../support/cli.ts';
import { containersOfRun, dockerGate } from '../support/docker-daemon.ts';

const enabled = await dockerGate('docker shutdown end-to-end tests');

// The docker twin of shutdown-behaviour.test.ts: replicas that drop in-flight requests on SIGTERM,
// behind HAProxy. Every failure belongs to the old version: HAProxy names it on the errors it answers.
describe.runIf(enabled)('rolling upgrade on docker of an app whose shutdown drops in-flight requests', () => {
  it('fails the failedRequests gate, every failure on 1.0.0', { timeout: 300_000 }, async () => {
    const out = await testDir();
    const run = await runCli(['run', 'test/fixtures/e2e/docker-abrupt-shutdown.yaml', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results = await readResults(out);
    const [cell] = results.cells;
    expect(cell?.platform).toBe('docker');
    expect(cell?.status).toBe('failed');
    expect(cell?.error).toBeNull();
    const traffic = cell!.traffic!;
    expect(traffic.failures).toBeGreaterThan(0);
    expect(cell?.gates.find((g) => g.name === 'failedRequests')).toMatchObject({ passed: false, threshold: 0, actual: traffic.failures });
    expect(traffic.requestsByVersion['1.1.0']).toBeGreaterThan(0);
    expect(traffic.failuresByVersion['1.1.0']).toBeUndefined();

    // Request by request: HAProxy answered each failure with a 502/503 naming 1.0.0, except on a
    // kept-alive connection (probe http), where it closes without answering, the client to retry.
    const failed = (await requestRows(out)).filter((row) => row.outcome !== 'ok');
    expect(failed).toHaveLength(traffic.failures);
    const answered = failed.filter((row) => row.outcome === 'http-5xx');
    const unanswered = failed.filter((row) => row.outcome !== 'http-5xx');
    expect(answered.map((row) => row.version)).toEqual(answered.map(() => '1.0.0'));
    expect(unanswered.filter((row) => row.probe !== 'http' || row.outcome !== 'reset' || row.version !== ''), JSON.stringify(unanswered)).toEqual([]);
    expect(traffic.failuresByVersion['1.0.0']).toBe(answered.length);
    // On fresh connections, every dropped request is answered and attributed.
    const fresh = failed.filter((row) => row.probe === 'http-new-connection');
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((row) => row.outcome === 'http-5xx' && row.version === '1.0.0'), JSON.stringify(fresh)).toBe(true);
    expect(await containersOfRun(results.runId)).toEqual([]);
  });
});

interface RequestRow {
  probe: string;
  outcome: string;
  version: string;
}

/** The one cell's requests.csv (probe,sent,scheduled,duration,outcome,status,version). */
async function requestRows(out: string): Promise<RequestRow[]> {
  const [cellDir] = await readdir(join(out, 'cells'));
  const text = await readFile(join(out, 'cells', cellDir!, 'requests.csv'), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const fields = line.split(',');
      return { probe: fields[0]!, outcome: fields[4]!, version: fields[6] ?? '' };
    });
}

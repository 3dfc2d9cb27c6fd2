import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanJson } from '../../harness/cli/plan-json.ts';
import { readResults, runCli, testDir } from '../support/cli.ts';

const matrix = 'test/fixtures/e2e/tiny-http-fan-out.yaml';

describe('fan-out across CI jobs: plan --json, run --shard, merge', () => {
  it('plans shards that run --shard takes exactly, and merges them into the whole run', async () => {
    const plan = await runCli(['plan', matrix, '--json', '--shards', '2']);
    expect(plan.exitCode, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as PlanJson;
    expect(planned.cells.map((cell) => cell.id)).toEqual(['local/1.0-to-2.0/rolling', 'local/1.0-to-2.0/blue-green', 'local/1.0-to-2.0/recreate']);
    expect(planned.cells.every((cell) => cell.needs.includes('node'))).toBe(true);
    expect(planned.shards!.map((shard) => shard.shard)).toEqual(['1/2', '2/2']);

    const dir = await testDir();
    for (const shard of planned.shards!) {
      const run = await runCli(['run', matrix, '--shard', shard.shard, '--out', join(dir, `shard-${shard.index}`)]);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      const results = await readResults(join(dir, `shard-${shard.index}`));
      expect(results.cells.map((cell) => cell.id)).toEqual(shard.cells);
      expect(results.provenance?.selection.shard).toBe(shard.shard);
    }

    const merge = await runCli(['merge', join(dir, 'shard-2/results.json'), join(dir, 'shard-1/results.json'), '--out', join(dir, 'merged')]);
    expect(merge.exitCode, merge.stderr).toBe(0);
    const merged = await readResults(join(dir, 'merged'));
    expect(merged.cells.map((cell) => cell.id).sort()).toEqual(planned.cells.map((cell) => cell.id).sort());
    expect(merged.provenance?.mergedFrom?.map((run) => run.shard)).toEqual(['1/2', '2/2']);
    const junit = await readFile(join(dir, 'merged/junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(await readFile(join(dir, 'merged/summary.md'), 'utf8')).toMatch(/3 of 3 cells passed[\s\S]*merged from 2 runs \(1\/2, 2\/2\)/);
    // Each cell's logs came along, so the merged report's links work.
    for (const cell of merged.cells) expect(await readFile(join(dir, 'merged', cell.logs!, 'requests.csv'), 'utf8')).toMatch(/^probe,/);

    // A shard left out is refused: the report would silently lack its cells.
    const partial = await runCli(['merge', join(dir, 'shard-1/results.json'), '--out', join(dir, 'partial')]);
    expect(partial.exitCode).toBe(2);
    expect(partial.stderr).toContain('shard 2/2 missing');
  });

  it('refuses to merge runs of different matrices, naming both files', async () => {
    const dir = await testDir();
    const a = await runCli(['run', matrix, '--only', '*/*/rolling', '--out', join(dir, 'a')]);
    expect(a.exitCode, a.stderr).toBe(0);
    const b = await runCli(['run', 'test/fixtures/e2e/tiny-http.yaml', '--only', '*/*/rolling', '--out', join(dir, 'b')]);
    expect(b.exitCode, b.stderr).toBe(0);
    const merge = await runCli(['merge', join(dir, 'a/results.json'), join(dir, 'b/results.json'), '--out', join(dir, 'merged')]);
    expect(merge.exitCode).toBe(2);
    expect(merge.stderr).toMatch(/a\/results\.json and .*b\/results\.json are not shards of one run: matrix "tiny-http-fan-out" vs "tiny-http-rolling"/);
  });

  it('takes a shard of no cells as an empty, passing run', async () => {
    const dir = await testDir();
    const run = await runCli(['run', matrix, '--shard', '5/5', '--out', dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await readResults(dir)).cells).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { mergeResults, type ShardResults } from '../../harness/report/merge-results.ts';
import type { CellResult, Provenance, RunResults } from '../../harness/results.ts';
import { passedCell, sampleRun } from '../fixtures/results/sample-run.ts';

const provenance = (shard: string | null, changes: Partial<Provenance> = {}): Provenance => ({
  harnessVersion: '0.1.0', node: 'v24.0.0', host: { name: `runner-${shard ?? 'x'}`, cores: 2 },
  startedBy: { ci: 'gitlab', jobUrl: `https://ci.example/job/${shard}`, pipeline: 'https://ci.example/p/1', user: null },
  matrixFile: 'matrices/quickstart.yaml', matrixDigest: 'sha256:aa', scenarioDigest: 'sha256:bb', selection: { only: null, shard }, ...changes,
});
const cell = (id: string): CellResult => ({ ...passedCell(), id });
const shard = (file: string, shardText: string | null, ids: string[], changes: Partial<Provenance> = {}, run: Partial<RunResults> = {}): ShardResults => ({
  file,
  results: { ...sampleRun(ids.map(cell)), runId: `run-${file}`, provenance: provenance(shardText, changes), ...run },
});
const merge = (inputs: ShardResults[], partial = false) =>
  mergeResults(inputs, { runId: 'merged', provenance: { harnessVersion: '0.1.0', node: 'v24', host: { name: 'merger', cores: 4 }, startedBy: provenance(null).startedBy }, partial });

describe('merge of shards', () => {
  it('joins the cells of every shard, in shard order, and records where each came from', () => {
    const merged = merge([shard('b.json', '2/2', ['c3', 'c4']), shard('a.json', '1/2', ['c1', 'c2'])]);
    expect(merged.cells.map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(merged.runId).toBe('merged');
    expect(merged.provenance?.selection.shard).toBeNull();
    expect(merged.provenance?.host.name).toBe('merger');
    expect(merged.provenance?.mergedFrom?.map((run) => [run.shard, run.host, run.startedBy.jobUrl])).toEqual([
      ['1/2', 'runner-1/2', 'https://ci.example/job/1/2'],
      ['2/2', 'runner-2/2', 'https://ci.example/job/2/2'],
    ]);
  });

  it('spans from the earliest start to the latest finish', () => {
    const merged = merge([
      shard('a.json', '1/2', ['c1'], {}, { startedAt: '2026-01-01T10:00:05.000Z', finishedAt: '2026-01-01T10:09:00.000Z' }),
      shard('b.json', '2/2', ['c2'], {}, { startedAt: '2026-01-01T10:00:01.000Z', finishedAt: '2026-01-01T10:05:00.000Z' }),
    ]);
    expect([merged.startedAt, merged.finishedAt]).toEqual(['2026-01-01T10:00:01.000Z', '2026-01-01T10:09:00.000Z']);
  });

  it.each([
    ['another matrix', { }, { matrix: 'other' }, /matrix "sample" vs "other"|matrix ".*" vs "other"/],
    ['an edited matrix', { matrixDigest: 'sha256:cc' }, {}, /the matrix file changed/],
    ['an edited scenario', { scenarioDigest: 'sha256:cc' }, {}, /the scenario file changed/],
  ] as const)('refuses results of %s, naming both files', (_what, changes, run, message) => {
    const attempt = () => merge([shard('a.json', '1/2', ['c1']), shard('b.json', '2/2', ['c2'], changes, run)]);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/a\.json and b\.json/);
  });

  it('refuses a cell that two inputs both hold', () => {
    expect(() => merge([shard('a.json', '1/2', ['c1', 'c2']), shard('b.json', '2/2', ['c2'])])).toThrow(/cell c2 is in both a\.json and b\.json/);
  });

  it('refuses missing shards unless asked to merge what there is', () => {
    const inputs = [shard('a.json', '1/3', ['c1']), shard('c.json', '3/3', ['c3'])];
    expect(() => merge(inputs)).toThrow(/shard 2\/3 missing/);
    expect(merge(inputs, true).cells.map((c) => c.id)).toEqual(['c1', 'c3']);
  });

  it('refuses shards of different splits', () => {
    expect(() => merge([shard('a.json', '1/2', ['c1']), shard('b.json', '2/3', ['c2'])])).toThrow(/different splits/);
  });
});

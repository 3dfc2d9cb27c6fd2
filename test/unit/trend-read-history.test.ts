import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { readHistory } from '../../harness/report/trend/read-history.ts';
import type { Provenance, RunResults } from '../../harness/results.ts';
import { passedCell, sampleRun } from '../fixtures/results/sample-run.ts';
import { testDir } from '../support/cli.ts';

const results = (runId: string, startedAt: string, changes: Partial<RunResults> = {}): RunResults => ({ ...sampleRun([passedCell()]), runId, startedAt, ...changes });

async function put(dir: string, path: string, content: RunResults | string): Promise<void> {
  const file = join(dir, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
}

describe('readHistory', () => {
  it('finds results.json in DIR, one folder down and two folders down, oldest first', async () => {
    const dir = await testDir();
    await put(dir, 'results.json', results('top', '2026-01-03T00:00:00Z'));
    await put(dir, 'run-1/results.json', results('one', '2026-01-01T00:00:00Z'));
    await put(dir, 'job-7/artifacts/results.json', results('two', '2026-01-02T00:00:00Z'));
    await put(dir, 'a/b/c/results.json', results('too-deep', '2026-01-04T00:00:00Z'));
    const history = await readHistory(dir);
    expect(history.runs.map((run) => run.results.runId)).toEqual(['one', 'two', 'top']);
    expect(history.runs[0]?.file).toBe(join(dir, 'run-1/results.json'));
    expect(history.skipped).toEqual([]);
  });

  it('skips a file that does not parse, naming it, and keeps the rest', async () => {
    const dir = await testDir();
    await put(dir, 'good/results.json', results('good', '2026-01-01T00:00:00Z'));
    await put(dir, 'broken/results.json', '{ "schemaVersion": 1, "cells": [');
    await put(dir, 'foreign/results.json', '{"hello": "world"}');
    const history = await readHistory(dir);
    expect(history.runs.map((run) => run.results.runId)).toEqual(['good']);
    expect(history.skipped.map((s) => s.file)).toEqual([join(dir, 'broken/results.json'), join(dir, 'foreign/results.json')]);
    expect(history.skipped[0]?.why).toMatch(/broken\/results\.json is not valid JSON/);
    expect(history.skipped[1]?.why).toMatch(/foreign\/results\.json is not an upgrade-harness results file/);
  });

  it('counts a run once: a second copy, and shards of a merged run in the folder, are skipped with why', async () => {
    const dir = await testDir();
    const mergedFrom = ['s1', 's2'].map((runId) => ({ runId, shard: null, host: 'ci', startedBy: { ci: null, jobUrl: null, pipeline: null, user: null } }));
    await put(dir, 'a/results.json', results('nightly', '2026-01-01T00:00:00Z'));
    await put(dir, 'b/results.json', results('nightly', '2026-01-01T00:00:00Z'));
    await put(dir, 'merged/results.json', results('m', '2026-01-02T00:00:00Z', { provenance: { mergedFrom } as unknown as Provenance }));
    await put(dir, 'shard-1/results.json', results('s1', '2026-01-02T00:00:00Z'));
    const history = await readHistory(dir);
    expect(history.runs.map((run) => run.results.runId)).toEqual(['nightly', 'm']);
    expect(history.skipped.map((s) => s.why)).toEqual([
      `${join(dir, 'b/results.json')} is run nightly again, already read from ${join(dir, 'a/results.json')}`,
      `${join(dir, 'shard-1/results.json')} is a shard of the merged run in ${join(dir, 'merged/results.json')}, which counts it`,
    ]);
  });

  it('returns an empty history for a folder with no results, and refuses a folder that is not there', async () => {
    const dir = await testDir();
    await mkdir(join(dir, 'empty-run'));
    expect(await readHistory(dir)).toEqual({ runs: [], skipped: [] });
    await expect(readHistory(join(dir, 'missing'))).rejects.toThrow(ConfigError);
    await expect(readHistory(join(dir, 'missing'))).rejects.toThrow(/cannot read .*missing: ENOENT/);
  });
});

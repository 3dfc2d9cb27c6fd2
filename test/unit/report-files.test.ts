import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { fileReporters, renderReports } from '../../harness/report/file-reporters.ts';
import { loadRunResults } from '../../harness/report/load-results.ts';
import type { Reporter } from '../../harness/report/reporter.ts';
import { sampleRun } from '../fixtures/results/sample-run.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderReports', () => {
  it('writes results.json, junit.xml, report.html and summary.md, creating the folder', async () => {
    const out = join(dir, 'nested', 'run');
    const problems = await renderReports(sampleRun(), out);
    expect(problems).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'summary.md']);
    expect(JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))).toEqual(sampleRun());
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain('<testsuites name="quickstart"');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toMatch(/^❌ /);
  });

  it('reports a reporter that fails, and still writes the others', async () => {
    const broken: Reporter = {
      name: 'broken',
      onRunEnd: () => {
        throw new Error('disk full');
      },
    };
    const [json, junit, html, markdown] = fileReporters();
    const problems = await renderReports(sampleRun(), dir, [json!, broken, junit!, html!, markdown!]);
    expect(problems.map(({ reporter, message }) => ({ reporter, message }))).toEqual([{ reporter: 'broken', message: 'disk full' }]);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'summary.md']);
  });

  it('fails one file when its folder cannot be written, naming the reporter', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const problems = await renderReports(sampleRun(), join(blocker, 'out'));
    expect(problems.map((problem) => problem.reporter)).toEqual(['json', 'junit', 'html', 'markdown']);
  });

  it('leaves no temporary files behind', async () => {
    await renderReports(sampleRun(), dir);
    await renderReports(sampleRun(), dir);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('loadRunResults', () => {
  it('reads back what the json reporter wrote', async () => {
    await renderReports(sampleRun(), dir);
    expect(await loadRunResults(join(dir, 'results.json'))).toEqual(sampleRun());
  });

  it.each([
    ['missing file', null, /cannot read .*ENOENT/],
    ['not JSON', '{ nope', /is not valid JSON/],
    ['some other JSON', '{"name":"x"}', /is not an upgrade-harness results file/],
    ['a newer schema', JSON.stringify({ ...sampleRun(), schemaVersion: 99 }), /schemaVersion 99; this upgrade-harness reads 1/],
    ['a damaged cell', JSON.stringify({ ...sampleRun(), cells: [{ id: 'x', status: 'weird' }] }), /cells\[0\] has no id or an unknown status/],
  ])('turns %s into a ConfigError with a hint', async (_what, content, message) => {
    const file = join(dir, 'results.json');
    if (content !== null) await writeFile(file, content);
    const error = await loadRunResults(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).hint).toBeTruthy();
  });
});

// junit.xml read back the way a CI tool reads it (junit2json, an xml2js-based reader), checked
// against what GitLab's and Jenkins' JUnit readers take from each element:
// - GitLab (lib/gitlab/ci/parsers/test/junit.rb): testcase classname (shown as the suite), name
//   (classname + name must be unique or later cases are dropped), time in seconds, and the *text*
//   of <failure>/<error>/<skipped> as the details; message attributes are ignored.
// - Jenkins (junit-plugin CaseResult): the failure/error message attribute is the error, its text
//   the stack trace; <skipped message> the reason; classname splits at its last dot into package
//   and class; <system-out> is kept (trimmed to ~1 kB for passing tests, so it starts with the
//   reproduce command).
import { parse, type TestCase, type TestSuite, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { renderJunitXml } from '../../harness/report/junit-xml.ts';
import type { CellResult } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell, sampleRun, skippedCell } from '../fixtures/results/sample-run.ts';

const run = sampleRun();
const report = (await parse(renderJunitXml(run))) as TestSuites;
const suites: TestSuite[] = report.testsuite ?? [];
const cases: TestCase[] = suites.flatMap((suite) => suite.testcase ?? []);

function caseOf(cell: CellResult): TestCase {
  const found = cases.find((testcase) => testcase.name === cell.id);
  if (!found) throw new Error(`no testcase for ${cell.id}`);
  return found;
}

const property = (suite: TestSuite, name: string): unknown => suite.properties?.find((p) => p.name === name)?.value;

describe('junit.xml as CI tools read it (junit2json)', () => {
  it('has one testcase per cell, keyed uniquely by classname + name as GitLab keys them', () => {
    expect(cases).toHaveLength(run.cells.length);
    const keys = cases.map((testcase) => `${testcase.classname}\u0000${testcase.name}`);
    expect(new Set(keys).size).toBe(run.cells.length);
    expect(cases.map((testcase) => testcase.name).sort()).toEqual(run.cells.map((cell) => cell.id).sort());
  });

  it('totals agree: the run, each suite (matrix x platform), and the testcases inside it', () => {
    expect(report).toMatchObject({ name: 'quickstart', tests: 5, failures: 1, errors: 1 });
    expect(suites.map((suite) => suite.name)).toEqual(['quickstart/local', 'quickstart/docker']);
    for (const suite of suites) {
      const inside = suite.testcase ?? [];
      expect(suite.tests).toBe(inside.length);
      expect(suite.failures).toBe(inside.filter((testcase) => testcase.failure).length);
      expect(suite.errors).toBe(inside.filter((testcase) => testcase.error).length);
      expect(suite.skipped).toBe(inside.filter((testcase) => testcase.skipped).length);
    }
    expect(suites.reduce((sum, suite) => sum + (suite.tests ?? 0), 0)).toBe(report.tests);
  });

  it('classname is matrix.platform (Jenkins: package = matrix, class = platform); time is seconds', () => {
    for (const cell of run.cells) {
      const testcase = caseOf(cell);
      expect(testcase.classname).toBe(`quickstart.${cell.platform}`);
      expect(testcase.time).toBeCloseTo(cell.durationMs / 1000, 3);
    }
  });

  it('a breached gate is a failure with the numbers in the message (Jenkins) and in the text (GitLab), plus how to reproduce', () => {
    const cell = gateFailedCell();
    const [failure, ...more] = caseOf(cell).failure ?? [];
    expect(more).toEqual([]);
    expect(failure?.type).toBe('gate');
    expect(failure?.message).toBe('2 gates breached: longestOutageMs 842 > 0; availability 93% < 99.9%');
    expect(failure?.inner).toContain('longestOutageMs 842 > 0');
    expect(failure?.inner).toContain('availability 93% < 99.9%');
    expect(failure?.inner).toContain('outage 842 ms in upgrade');
    expect(failure?.inner).toContain(`reproduce: ${cell.reproduce}`);
    expect(caseOf(cell).error).toBeUndefined();
  });

  it('a broken environment is an error (not a failure) with its code, message, hint and reproduce command', () => {
    const cell = errorCell();
    const [error] = caseOf(cell).error ?? [];
    expect(caseOf(cell).failure).toBeUndefined();
    expect(error).toMatchObject({ type: cell.error?.code, message: cell.error?.message });
    expect(error?.inner).toContain(`hint: ${cell.error?.hint}`);
    expect(error?.inner).toContain(`reproduce: ${cell.reproduce}`);
  });

  it('a skipped cell is skipped with its reason as the message (Jenkins) and as the text (GitLab)', () => {
    const cell = skippedCell();
    expect(caseOf(cell).skipped).toEqual([{ message: cell.error?.message, inner: cell.error?.message }]);
  });

  it('passed cells carry neither failure, error nor skipped; every cell starts system-out with its reproduce command', () => {
    for (const cell of [passedCell(), rollbackCell()]) {
      const testcase = caseOf(cell);
      expect([testcase.failure, testcase.error, testcase.skipped]).toEqual([undefined, undefined, undefined]);
    }
    for (const cell of run.cells) expect(caseOf(cell)['system-out']?.[0]?.split('\n')[0]).toBe(`reproduce: ${cell.reproduce}`);
  });

  it("suite properties carry each cell's status and measures by cell id", () => {
    const local = suites.find((suite) => suite.name === 'quickstart/local');
    if (!local) throw new Error('no local suite');
    expect(property(local, 'platform')).toBe('local');
    expect(property(local, 'runId')).toBe(run.runId);
    const failed = gateFailedCell();
    expect(property(local, `${failed.id}.status`)).toBe('failed');
    expect(property(local, `${failed.id}.longestOutageMs`)).toBe(842);
    expect(property(local, `${failed.id}.availability`)).toBe('93%');
    // Properties of a suite name only its own cells.
    const docker = suites.find((suite) => suite.name === 'quickstart/docker');
    const dockerIds = run.cells.filter((cell) => cell.platform === 'docker').map((cell) => cell.id);
    for (const entry of docker?.properties ?? []) {
      if (['runId', 'matrix', 'platform'].includes(entry.name ?? '')) continue;
      expect(dockerIds.some((id) => entry.name?.startsWith(`${id}.`)), entry.name).toBe(true);
    }
  });
});

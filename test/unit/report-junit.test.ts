import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunitXml, xmlSafe } from '../../harness/report/junit-xml.ts';
import type { CellResult } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, sampleRun } from '../fixtures/results/sample-run.ts';

type Node = Record<string, unknown>;

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: '#text',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  });
  return parser.parse(xml) as Node;
}

const suites = (doc: Node): Node[] => (doc.testsuites as Node).testsuite as Node[];
const allCases = (doc: Node): Node[] => suites(doc).flatMap((suite) => suite.testcase as Node[]);
const caseNamed = (doc: Node, name: string): Node => {
  const found = allCases(doc).find((testcase) => testcase.name === name);
  if (!found) throw new Error(`no testcase ${name}`);
  return found;
};
const text = (node: unknown): string => (typeof node === 'string' ? node : String((node as Node)['#text'] ?? ''));

// Attributes and children junit-10.xsd (Jenkins xUnit) allows; anything else fails validation there.
const allowed = {
  testsuites: ['name', 'time', 'tests', 'failures', 'errors'],
  testsuite: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
  testcase: ['name', 'time', 'classname', 'group'],
  testcaseChildren: ['skipped', 'error', 'failure', 'rerunFailure', 'rerunError', 'flakyFailure', 'flakyError', 'system-out', 'system-err'],
};
const surefireTime = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;
const attributesOf = (node: Node, children: readonly string[]): string[] =>
  Object.keys(node).filter((key) => !children.includes(key) && key !== '#text' && key !== 'testsuite' && key !== 'testcase');

describe('renderJunitXml', () => {
  const doc = parse(renderJunitXml(sampleRun()));

  it('counts tests, failures and errors for the run and per matrix x platform suite', () => {
    const root = doc.testsuites as Node;
    expect(root).toMatchObject({ name: 'quickstart', tests: '5', failures: '1', errors: '1' });
    const byName = Object.fromEntries(suites(doc).map((suite) => [suite.name, suite]));
    expect(Object.keys(byName)).toEqual(['quickstart/local', 'quickstart/docker']);
    expect(byName['quickstart/local']).toMatchObject({ tests: '4', failures: '1', errors: '1', skipped: '1', timestamp: '2025-03-01T10:00:00.000Z' });
    expect(byName['quickstart/docker']).toMatchObject({ tests: '1', failures: '0', errors: '0', skipped: '0' });
    expect(root.time).toBe('45.000');
  });

  it('names each testcase by cell id with classname matrix.platform and time in seconds', () => {
    const testcase = caseNamed(doc, 'local/1.0.0-to-1.1.0/rolling');
    expect(testcase).toMatchObject({ classname: 'quickstart.local', time: '30.000' });
    expect(testcase.failure).toBeUndefined();
    expect(testcase.error).toBeUndefined();
  });

  it('reports a breached gate as a failure of type gate, with threshold and actual', () => {
    const failure = caseNamed(doc, 'local/1.0.0-to-1.1.0/recreate').failure as Node;
    expect(failure.type).toBe('gate');
    expect(failure.message).toContain('longestOutageMs 842 > 0');
    expect(failure.message).toContain('availability 93% < 99.9%');
    expect(failure.message).not.toContain('lostWrites');
    expect(text(failure)).toContain('outage 842 ms in upgrade');
  });

  it('reports a product failure without gates by its error', () => {
    const cell: CellResult = {
      ...gateFailedCell(),
      gates: [],
      error: { code: 'UPGRADE_FAILED', message: 'migration 0042 failed', hint: 'read the migrate log', kind: 'product' },
    };
    const failure = caseNamed(parse(renderJunitXml(sampleRun([cell]))), cell.id).failure as Node;
    expect(failure).toMatchObject({ type: 'UPGRADE_FAILED', message: 'migration 0042 failed' });
    expect(text(failure)).toContain('hint: read the migrate log');
  });

  it('reports a broken environment as an error with its code, message and hint', () => {
    const error = caseNamed(doc, 'local/1.1.0-to-2.0.0/blue-green').error as Node;
    expect(error).toMatchObject({ type: 'PORT_IN_USE', message: 'could not bind the front door to 127.0.0.1:8080' });
    expect(text(error)).toContain('hint: stop whatever listens on port 8080');
  });

  it('marks a skipped cell skipped with its reason', () => {
    const skipped = caseNamed(doc, 'local/1.1.0-to-2.0.0/canary').skipped as Node;
    expect(skipped.message).toBe('run interrupted before this cell started');
  });

  it('puts the reproduce command and the measures in system-out', () => {
    const out = text(caseNamed(doc, 'local/1.0.0-to-1.1.0/recreate')['system-out']);
    expect(out).toContain("reproduce: upgrade-harness run matrices/quickstart.yaml --only 'local/1.0.0-to-1.1.0/recreate'");
    for (const line of ['requests: 1200', 'failures: 84', 'availability: 93%', 'downtimeMs: 842', 'longestOutageMs: 842', 'latencyP95Ms: 14', 'errorBudgetRemaining: -82.8', 'lostWrites: 0']) {
      expect(out).toContain(line);
    }
    const rollbackOut = text(caseNamed(doc, 'docker/1.0.0-to-1.1.0/blue-green')['system-out']);
    expect(rollbackOut).toContain('rollback.requests: 200');
    expect(rollbackOut).toContain('rollback.lostWrites: 0');
  });

  it('escapes markup and quotes and strips characters XML cannot carry', () => {
    const nasty = `nasty <script>&"' \u0001\u001f\uFFFEcell`;
    const cell: CellResult = { ...errorCell(), id: nasty, error: { code: 'X<&>', message: `boom <b>&"'\u0007\nsecond line`, hint: 'a & b', kind: 'infrastructure' } };
    const xml = renderJunitXml(sampleRun([passedCell(), cell]));
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).not.toContain('<script>');
    const testcase = caseNamed(parse(xml), `nasty <script>&"' cell`);
    const error = testcase.error as Node;
    expect(error.type).toBe('X<&>');
    expect(error.message).toBe(`boom <b>&"' second line`);
    expect(text(error)).toContain('boom <b>&"\'\nsecond line');
  });

  it('uses only what the Jenkins xUnit schema allows', () => {
    const root = doc.testsuites as Node;
    for (const key of attributesOf(root, [])) expect(allowed.testsuites).toContain(key);
    expect(root.time).toMatch(surefireTime);
    for (const suite of suites(doc)) {
      for (const key of attributesOf(suite, ['properties', 'system-out', 'system-err'])) expect(allowed.testsuite).toContain(key);
      expect(suite.time).toMatch(surefireTime);
      for (const testcase of suite.testcase as Node[]) {
        const keys = Object.keys(testcase);
        for (const key of keys) expect([...allowed.testcase, ...allowed.testcaseChildren]).toContain(key);
        expect(keys).not.toContain('properties');
      }
    }
  });

  it('never writes a negative or non-numeric time', () => {
    const cell: CellResult = { ...passedCell(), durationMs: -5, startedAt: 'not a date', finishedAt: 'never' };
    const xml = renderJunitXml({ ...sampleRun([cell]), startedAt: 'bad', finishedAt: 'bad' });
    const parsed = parse(xml);
    expect(caseNamed(parsed, cell.id).time).toBe('0.000');
    for (const suite of suites(parsed)) expect(suite.time).toMatch(surefireTime);
  });
});

describe('xmlSafe', () => {
  it('keeps tab, newline, carriage return, astral characters; drops other controls and lone surrogates', () => {
    expect(xmlSafe('a\tb\nc\rd\u0000e\u001bf\uD800g😀')).toBe('a\tb\nc\rdefg😀');
  });
});

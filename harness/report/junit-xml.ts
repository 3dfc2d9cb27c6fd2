// junit.xml: build a tree, then let xmlbuilder2 serialize and escape it. Valid against the JUnit
// schema Jenkins' xUnit plugin uses (junit-10.xsd): no <properties> and no `file` in <testcase>,
// times in seconds. `failure` is a broken expectation (a gate or the upgrade itself); `error` is a
// broken environment.
// What consumers read: GitLab shows a testcase's classname as its suite and the *text* of
// <failure>/<error>/<skipped> (it ignores the message attribute and <system-out> but for
// attachments); Jenkins shows the message attribute as the error, the text as the stack trace, and
// <system-out>. So the verdict's text repeats what a reader needs: what broke and how to reproduce.
import { create } from 'xmlbuilder2';
import type { CellResult, RunResults } from '../results.ts';
import { cellCause } from './cell-cause.ts';
import { countStatuses } from './verdict.ts';
import { provenanceProperties } from './provenance-text.ts';
import { describeBreach, formatMs, formatOutageCauses } from './format.ts';
import { cellMeasureLines, cellMeasures } from './measure-lines.ts';

type XMLBuilder = ReturnType<typeof create>;

/** XML 1.0 cannot carry most control characters even escaped; drop them (and lone surrogates). */
export function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

/** An attribute stays on one line: parsers turn newlines in attributes into spaces anyway. */
function attr(text: string): string {
  return xmlSafe(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

function spanMs(startIso: string, endIso: string): number | null {
  const span = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(span) && span >= 0 ? span : null;
}

/** Where each outage was, so a CI log alone says what to look at. */
function outageLines(cell: CellResult): string[] {
  return (cell.traffic?.outages ?? []).map((outage) => {
    return `outage ${formatMs(outage.durationMs)} in ${outage.phase} at +${formatMs(outage.startMs)}: ${outage.failures} failed requests (${formatOutageCauses(outage)})`;
  });
}

/** The last lines of every verdict's text: a reader of the CI view alone can rerun the cell. */
function whereToLook(cell: CellResult): string[] {
  return [`reproduce: ${cell.reproduce}`, ...(cell.logs ? [`logs: ${cell.logs}`] : [])];
}

function addVerdict(testcase: XMLBuilder, cell: CellResult): void {
  const error = cell.error;
  if (cell.status === 'failed') {
    const breaches = cell.gates.filter((gate) => !gate.passed).map(describeBreach);
    const cause = cell.cause ?? cellCause(cell);
    const lines = [...(cause ? [`cause: ${cause}`] : []), ...breaches, ...outageLines(cell)];
    if (error) lines.push(`${error.code}: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
    const message = breaches.length ? `${breaches.length} gate${breaches.length === 1 ? '' : 's'} breached: ${breaches.join('; ')}` : (error?.message ?? 'cell failed');
    const type = breaches.length ? 'gate' : (error?.code ?? 'failed');
    testcase.ele('failure', { message: attr(message), type: attr(type) }).txt(xmlSafe([...lines, ...whereToLook(cell)].join('\n')));
  } else if (cell.status === 'error') {
    const message = error?.message ?? 'cell errored';
    const cause = cell.cause ?? cellCause(cell);
    const body = [...(cause ? [`cause: ${cause}`] : []), error ? `${error.code}: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}` : message].join('\n');
    testcase.ele('error', { message: attr(message), type: attr(error?.code ?? 'error') }).txt(xmlSafe([body, ...whereToLook(cell)].join('\n')));
  } else if (cell.status === 'skipped') {
    const reason = error?.message ?? 'skipped';
    testcase.ele('skipped', { message: attr(reason) }).txt(xmlSafe(reason));
  }
}

/**
 * The suite's properties: what it ran, and each cell's measures named `<cell id>.<measure>` (the
 * schema allows properties on suites only), so a CI tool can chart a figure across builds.
 */
function addProperties(suite: XMLBuilder, results: RunResults, platform: string, cells: readonly CellResult[]): void {
  const properties = suite.ele('properties');
  const add = (name: string, value: string) => properties.ele('property', { name: attr(name), value: attr(value) });
  add('runId', results.runId);
  add('matrix', results.matrix);
  add('platform', platform);
  if (results.provenance) for (const [name, value] of provenanceProperties(results.provenance)) add(name, value);
  for (const cell of cells) {
    add(`${cell.id}.status`, cell.status);
    for (const [name, value] of cellMeasures(cell)) add(`${cell.id}.${name}`, value);
  }
}

function systemOut(cell: CellResult): string {
  const lines = [`reproduce: ${cell.reproduce}`, ...cellMeasureLines(cell)];
  if (cell.logs) lines.push(`logs: ${cell.logs}`);
  return xmlSafe(lines.join('\n'));
}

function groupByPlatform(cells: readonly CellResult[]): Map<string, CellResult[]> {
  const groups = new Map<string, CellResult[]>();
  for (const cell of cells) {
    const group = groups.get(cell.platform) ?? [];
    group.push(cell);
    groups.set(cell.platform, group);
  }
  return groups;
}

/** Cells run concurrently: a suite's time is its wall-clock span, not the sum of its cells. */
function suiteTimeMs(cells: readonly CellResult[]): number {
  const started = cells.map((cell) => Date.parse(cell.startedAt)).filter(Number.isFinite);
  const finished = cells.map((cell) => Date.parse(cell.finishedAt)).filter(Number.isFinite);
  if (started.length && finished.length) return Math.max(0, Math.max(...finished) - Math.min(...started));
  return cells.reduce((sum, cell) => sum + cell.durationMs, 0);
}

function earliestStart(cells: readonly CellResult[], fallback: string): string {
  const times = cells.map((cell) => cell.startedAt).filter((iso) => Number.isFinite(Date.parse(iso)));
  return times.sort()[0] ?? fallback;
}

export function renderJunitXml(results: RunResults): string {
  const totals = countStatuses(results.cells);
  const runMs = spanMs(results.startedAt, results.finishedAt) ?? suiteTimeMs(results.cells);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('testsuites', {
    name: attr(results.matrix),
    tests: String(results.cells.length),
    failures: String(totals.failed),
    errors: String(totals.error),
    time: seconds(runMs),
  });
  for (const [platform, cells] of groupByPlatform(results.cells)) {
    const counts = countStatuses(cells);
    const suite = root.ele('testsuite', {
      name: attr(`${results.matrix}/${platform}`),
      tests: String(cells.length),
      failures: String(counts.failed),
      errors: String(counts.error),
      skipped: String(counts.skipped),
      time: seconds(suiteTimeMs(cells)),
      timestamp: attr(earliestStart(cells, results.startedAt)),
    });
    addProperties(suite, results, platform, cells);
    for (const cell of cells) {
      const testcase = suite.ele('testcase', {
        name: attr(cell.id),
        classname: attr(`${results.matrix}.${platform}`),
        time: seconds(cell.durationMs),
      });
      addVerdict(testcase, cell);
      testcase.ele('system-out').txt(systemOut(cell));
    }
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

// The gate's own verdict as files for CI: gate.md (for a merge request or a job summary) and
// gate.junit.xml (one testcase per cell, so the CI's test view shows what blocks the release).
import { create } from 'xmlbuilder2';
import { xmlSafe } from '../report/junit-xml.ts';
import type { PolicyVerdict } from './apply-policy.ts';

export interface GateHeader {
  policy: string;
  runId: string;
  matrix: string;
  /** The baseline line, when there was one. */
  baseline: string | null;
}

export function renderGateMarkdown(verdict: PolicyVerdict, header: GateHeader): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const lines = [
    `${verdict.passed ? '✅' : '❌'} **release gate ${cell(header.policy)}: ${verdict.passed ? 'PASS' : 'FAIL'}** on run \`${header.runId}\` (${cell(header.matrix)})`,
    '',
    ...(header.baseline ? [cell(header.baseline), ''] : []),
    '| cell | verdict | why / margin |',
    '| --- | --- | --- |',
    ...verdict.cells.map((c) => `| \`${c.id}\` | ${c.passed ? 'ok' : '**FAIL**'} | ${cell([...c.problems, ...c.margins].join('; '))} |`),
    ...verdict.missing.map((glob) => `| \`${glob}\` | **FAIL** | required cells are not in the run |`),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderGateJunit(verdict: PolicyVerdict, header: GateHeader): string {
  const failures = verdict.cells.filter((c) => !c.passed).length + verdict.missing.length;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: `release gate ${xmlSafe(header.policy)}`, tests: String(verdict.cells.length + verdict.missing.length), failures: String(failures) });
  const suite = root.ele('testsuite', { name: xmlSafe(`gate ${header.policy} on ${header.matrix}`), tests: String(verdict.cells.length + verdict.missing.length), failures: String(failures), errors: '0', skipped: '0' });
  for (const c of verdict.cells) {
    const testcase = suite.ele('testcase', { classname: xmlSafe(`gate.${header.policy}`), name: xmlSafe(c.id) });
    if (!c.passed) testcase.ele('failure', { message: xmlSafe(c.problems[0] ?? 'fails the policy'), type: 'policy' }).txt(xmlSafe([...c.problems, ...(header.baseline ? [header.baseline] : [])].join('\n')));
    else if (c.margins.length) testcase.ele('system-out').txt(xmlSafe(c.margins.join('\n')));
  }
  for (const glob of verdict.missing) {
    suite.ele('testcase', { classname: xmlSafe(`gate.${header.policy}`), name: xmlSafe(glob) }).ele('failure', { message: 'required cells are not in the run', type: 'policy' }).txt(xmlSafe(`no cell matches ${glob}`));
  }
  return root.end({ prettyPrint: true });
}

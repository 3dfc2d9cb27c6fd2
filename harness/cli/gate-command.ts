import { relative, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { applyPolicy } from '../gates/apply-policy.ts';
import { baselineFromHistory, baselineFromRun, type Baselines } from '../gates/cell-baselines.ts';
import { renderGateJunit, renderGateMarkdown } from '../gates/gate-report.ts';
import { policySchema } from '../gates/policy-schema.ts';
import { checkConfigFile, configError } from '../matrix/config-file.ts';
import { loadRunResults } from '../report/load-results.ts';
import { readHistory } from '../report/trend/read-history.ts';
import { writeReportFile } from '../report/write-report-file.ts';
import type { RunResults } from '../results.ts';
import { EXIT } from './exit-codes.ts';

export interface GateOptions {
  policy: string;
  /** One earlier run's results.json. */
  baseline?: string;
  /** A folder of earlier runs: per cell, the P95 of the runs it passed in. */
  history?: string;
  /** Writes gate.md and gate.junit.xml there. */
  out?: string;
}

/**
 * `upgrade-harness gate <results.json> --policy FILE`: the release manager's verdict on a finished
 * run, by their own thresholds and, with a baseline, against earlier runs of the same matrix.
 * Exit 0 when the release may ship, 1 when it may not, with why.
 */
export async function gateCommand(resultsPath: string, options: GateOptions): Promise<number> {
  const policyFile = resolve(options.policy);
  const checked = await checkConfigFile(policyFile, policySchema, []);
  if (!checked.value || checked.issues.length > 0) throw configError('release policy', policyFile, checked.issues);
  const policy = checked.value;
  if (options.baseline && options.history) throw new ConfigError('give --baseline or --history, not both', [], '--history DIR judges each cell against the P95 of the earlier runs in DIR');
  const results = await loadRunResults(resolve(resultsPath));
  const baselines = await loadBaselines(results, options, policy.baseline?.minRuns ?? 3);
  if (baselines && !policy.baseline) throw new ConfigError(`${relative(process.cwd(), policyFile)} has no baseline section, so a baseline has nothing to judge`, [], 'add e.g. baseline: { longestOutageMs: 1.5, p99LatencyMs: 2, slackMs: 50 } to the policy');
  const verdict = applyPolicy(results, policy, baselines);
  const name = policy.name ?? relative(process.cwd(), policyFile);
  const failing = verdict.cells.filter((cell) => !cell.passed);
  const lines = [
    `release gate ${name} on run ${results.runId} (${results.matrix}): ${verdict.passed ? 'PASS' : 'FAIL'} - ${verdict.cells.length - failing.length} of ${verdict.cells.length} cells meet the policy`,
    ...(baselines ? [`  ${baselines.summary}`] : []),
    ...verdict.cells.map((cell) => `  ${cell.passed ? 'ok  ' : 'FAIL'} ${cell.id}${cell.problems.length || cell.margins.length ? `: ${[...cell.problems, ...cell.margins].join('; ')}` : ''}`),
    ...verdict.missing.map((glob) => `  FAIL required cells "${glob}" are not in the run`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.out) {
    const header = { policy: name, runId: results.runId, matrix: results.matrix, baseline: baselines?.summary ?? null };
    const written = [await writeReportFile(resolve(options.out), 'gate.md', renderGateMarkdown(verdict, header)), await writeReportFile(resolve(options.out), 'gate.junit.xml', renderGateJunit(verdict, header))];
    process.stdout.write(`gate verdict written: ${written.map((file) => relative(process.cwd(), file)).join(', ')}\n`);
  }
  return verdict.passed ? EXIT.passed : EXIT.gateFailed;
}

async function loadBaselines(results: RunResults, options: GateOptions, minRuns: number): Promise<Baselines | undefined> {
  if (options.baseline) {
    const file = resolve(options.baseline);
    return baselineFromRun(await loadRunResults(file), results, relative(process.cwd(), file));
  }
  if (options.history) {
    const dir = resolve(options.history);
    const history = await readHistory(dir);
    for (const { why } of history.skipped) process.stderr.write(`gate: ${why}\n`);
    return baselineFromHistory(history.runs, results, minRuns, relative(process.cwd(), dir) || '.');
  }
  return undefined;
}

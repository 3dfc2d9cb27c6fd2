import { relative, resolve } from 'node:path';
import { applyPolicy } from '../gates/apply-policy.ts';
import { policySchema } from '../gates/policy-schema.ts';
import { checkConfigFile, configError } from '../matrix/config-file.ts';
import { loadRunResults } from '../report/load-results.ts';
import { EXIT } from './exit-codes.ts';

/**
 * `upgrade-harness gate <results.json> --policy FILE`: the release manager's verdict on a finished
 * run, by their own thresholds. Exit 0 when the release may ship, 1 when it may not, with why.
 */
export async function gateCommand(resultsPath: string, options: { policy: string; baseline?: string }): Promise<number> {
  const policyFile = resolve(options.policy);
  const checked = await checkConfigFile(policyFile, policySchema, []);
  if (!checked.value || checked.issues.length > 0) throw configError('release policy', policyFile, checked.issues);
  const results = await loadRunResults(resolve(resultsPath));
  const baseline = options.baseline ? await loadRunResults(resolve(options.baseline)) : undefined;
  const verdict = applyPolicy(results, checked.value, baseline);
  const name = checked.value.name ?? relative(process.cwd(), policyFile);
  const failing = verdict.cells.filter((cell) => !cell.passed);
  const lines = [
    `release gate ${name} on run ${results.runId} (${results.matrix})${baseline ? ` against run ${baseline.runId}` : ''}: ${verdict.passed ? 'PASS' : 'FAIL'}` +
      ` - ${verdict.cells.length - failing.length} of ${verdict.cells.length} cells meet the policy`,
    ...verdict.cells.map((cell) => `  ${cell.passed ? 'ok  ' : 'FAIL'} ${cell.id}${cell.problems.length ? `: ${cell.problems.join('; ')}` : ''}`),
    ...verdict.missing.map((glob) => `  FAIL required cells "${glob}" are not in the run`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return verdict.passed ? EXIT.passed : EXIT.gateFailed;
}

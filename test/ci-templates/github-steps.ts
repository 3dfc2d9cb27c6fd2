// The GitHub workflow's scripts, run here as its jobs would run them: the plan step for a local
// matrix and for a kind one (planning starts nothing), then for the local matrix each shard job's
// run and summary steps (side by side, as matrix jobs run), the upload and download emulated by
// copying folders under the names the steps give, and the merge job's merge and summary steps.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Wiring } from './github-wiring.ts';
import { expect, ok } from './say.ts';
import { planJson } from './plan-json.ts';
import { kindMatrix, projectMatrix } from './user-project.ts';
import { evaluate, runStep, stepsOf, type Contexts, type Job, type Step, type Workflow } from './workflow.ts';

type Entry = { shard: string; index: number; needs: string[] };
type Plan = { cells: { id: string }[]; shards: { shard: string; index: number; cells: string[] }[] };

const OUT_ROOT = 'upgrade-harness';

export async function checkSteps(project: string, workflow: Workflow, wiring: Wiring): Promise<void> {
  const runnerTemp = await mkdtemp(join(tmpdir(), 'uh-runner-temp-'));
  try {
    await checkPlanStep(project, runnerTemp, workflow, wiring, kindMatrix, 'kind');
    const entries = await checkPlanStep(project, runnerTemp, workflow, wiring, projectMatrix, 'shard');
    await dryRun(project, runnerTemp, workflow, entries);
  } finally {
    await rm(runnerTemp, { recursive: true, force: true });
    await rm(join(project, OUT_ROOT), { recursive: true, force: true });
  }
}

const inputsFor = (matrix: string) => ({ matrix, shards: '2', 'node-version': '24', 'install-command': 'true' });

async function plan(project: string, matrix: string): Promise<Plan> {
  return JSON.parse((await planJson(project, matrix)).stdout) as Plan;
}

/** Runs the plan step; its output for `job` must be a matrix covering the plan, the other job's exactly '[]'. */
async function checkPlanStep(project: string, runnerTemp: string, workflow: Workflow, wiring: Wiring, matrix: string, job: 'shard' | 'kind'): Promise<Entry[]> {
  const contexts: Contexts = { inputs: inputsFor(matrix), matrix: {}, env: {} };
  const { outputs } = await runStep(wiring.planStep, workflow.jobs.plan!, contexts, project, runnerTemp);
  const planned = await plan(project, matrix);
  const [filled, empty] = job === 'shard' ? [wiring.keys.shard, wiring.keys.kind] : [wiring.keys.kind, wiring.keys.shard];
  const entries = JSON.parse(outputs.get(filled) ?? 'null') as Entry[] | null;
  const covered = planned.shards.filter((shard) => entries?.some((entry) => entry.shard === shard.shard && entry.index === shard.index)).flatMap((shard) => shard.cells);
  expect(
    Array.isArray(entries) && entries.length > 0 && entries.every((entry) => /^\d+\/2$/.test(entry.shard) && Array.isArray(entry.needs)) && covered.length === planned.cells.length,
    `${matrix}: the plan step's \`${filled}\` is a matrix of ${entries?.length} shards {shard, index, needs} covering all ${planned.cells.length} cells`,
    `wrote ${outputs.get(filled)}; plan --shards 2 says ${JSON.stringify(planned.shards)}`,
  );
  expect(outputs.get(empty) === '[]', `${matrix}: \`${empty}\` is [] (its job is skipped)`, `wrote ${outputs.get(empty)}`);
  return entries;
}

const find = (job: Job | undefined, what: string, test: (step: Step) => boolean | undefined): Step => {
  const step = stepsOf(job).find(test);
  if (!step) throw new Error(`no ${what} step`);
  return step;
};
const runs = (text: string) => (step: Step) => step.run?.includes(text);
const uses = (action: string) => (step: Step) => step.uses?.startsWith(action);
const jobEnv = (job: Job, contexts: Contexts) => Object.fromEntries(Object.entries(job.env ?? {}).map(([name, value]) => [name, evaluate(value, contexts)]));

async function dryRun(project: string, runnerTemp: string, workflow: Workflow, entries: Entry[]): Promise<void> {
  const shardJob = workflow.jobs.shard!;
  const mergeJob = workflow.jobs.merge!;
  const download = find(mergeJob, 'download-artifact', uses('actions/download-artifact@'));
  const downloads = join(project, String(download.with?.path));
  await Promise.all(
    entries.map(async (entry) => {
      const contexts: Contexts = { inputs: inputsFor(projectMatrix), matrix: entry, env: {} };
      await runStep(find(shardJob, 'run', runs('upgrade-harness run')), shardJob, contexts, project, runnerTemp);
      const { summary } = await runStep(find(shardJob, 'summary', runs('GITHUB_STEP_SUMMARY')), shardJob, contexts, project, runnerTemp);
      const env = jobEnv(shardJob, contexts);
      const upload = find(shardJob, 'upload-artifact', uses('actions/upload-artifact@'));
      const [path, name] = [evaluate(String(upload.with?.path), { ...contexts, env }), evaluate(String(upload.with?.name), contexts)];
      expect(summary.startsWith('✅'), `shard ${entry.shard}: ran, and its step summary starts with the verdict: ${summary.split('\n')[0]}`, summary || '(empty)');
      // What upload-artifact then download-artifact (pattern, no merge-multiple) leave on disk.
      await cp(join(project, path), join(downloads, name), { recursive: true });
    }),
  );
  const contexts: Contexts = { inputs: inputsFor(projectMatrix), matrix: {}, env: {} };
  await runStep(find(mergeJob, 'merge', runs('upgrade-harness merge')), mergeJob, contexts, project, runnerTemp);
  const { summary } = await runStep(find(mergeJob, 'summary', runs('GITHUB_STEP_SUMMARY')), mergeJob, contexts, project, runnerTemp);
  const out = jobEnv(mergeJob, contexts).OUT!;
  const merged = JSON.parse(await readFile(join(project, out, 'results.json'), 'utf8')) as { cells: { id: string }[] };
  const planned = await plan(project, projectMatrix);
  expect(merged.cells.length === planned.cells.length, `merge: ${out}/results.json holds all ${planned.cells.length} cells from the downloaded shards`, `it holds ${merged.cells.map((cell) => cell.id).join(', ')}`);
  ok(`merge: its step summary says ${summary.split('\n')[0]}`);
}

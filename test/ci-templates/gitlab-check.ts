// The GitLab template, for real: gitlab-ci-local parses the user's .gitlab-ci.yml with the template
// included (against GitLab's JSON schema, with extends and the user's overrides), lists and
// previews the kind variant, then runs the whole pipeline on this host twice with the real
// harness: once passing, once with a gate that must fail. The files the jobs stored as artifacts
// are checked against the plan.
import { execa } from 'execa';
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitlabCiLocal, type ListedJob, type Pipeline } from './gitlab-ci-local.ts';
import { CheckFailure, expect, ok, section, tail } from './say.ts';
import { planJson } from './plan-json.ts';
import { failingMatrix, projectMatrix } from './user-project.ts';

const OUT = 'upgrade-harness';
const REPORTS = ['results.json', 'junit.xml', 'report.html', 'summary.md'];
const SHARD_JOBS = ['upgrade-harness:shard: [1/2]', 'upgrade-harness:shard: [2/2]'];
const MERGE_JOB = 'upgrade-harness:merge';

export async function checkGitLab(project: string): Promise<void> {
  section('GitLab: templates/ci/upgrade-harness.gitlab-ci.yml');
  await requireRsync();
  const gcl = new GitlabCiLocal(project);
  const junitGlob = await checkLocalPipelineShape(gcl);
  await checkKindVariant(gcl);
  const plan = await plannedCells(project);
  await checkPassingPipeline(gcl, plan, junitGlob);
  await checkFailingPipeline(gcl, plan);
}

async function requireRsync(): Promise<void> {
  const found = await execa('rsync', ['--version'], { reject: false });
  if (found.exitCode !== 0) throw new CheckFailure('gitlab-ci-local copies the project into its job folders with rsync, and there is none: apt-get install -y rsync');
}

const names = (jobs: ListedJob[]) => jobs.map((job) => job.name).join(', ');

/** Checks the jobs the include adds; returns the shards' JUnit report glob, its variables expanded. */
async function checkLocalPipelineShape(gcl: GitlabCiLocal): Promise<string> {
  const jobs = await gcl.list();
  expect(
    SHARD_JOBS.every((name) => jobs.some((job) => job.name === name)),
    'the include adds `upgrade-harness:shard` as 2 parallel jobs (the file passed GitLab\'s JSON schema)',
    `found ${names(jobs)}`,
  );
  const merge = jobs.find((job) => job.name === MERGE_JOB);
  expect(
    merge?.when === 'always' && merge.needs?.some((need) => need.job === 'upgrade-harness:shard' && need.artifacts),
    '`upgrade-harness:merge` needs the shard jobs with their artifacts, and runs also when one failed',
    JSON.stringify(merge),
  );
  const config = await gcl.preview();
  const shard = config['upgrade-harness:shard'] ?? {};
  expect(
    shard.artifacts?.when === 'always' && shard.artifacts?.reports?.junit && String(shard.script).includes('--shard'),
    'each shard runs `run --shard`, uploads its folder and its JUnit report also when it failed',
    JSON.stringify(shard.artifacts),
  );
  const variables = (config.variables ?? {}) as Record<string, string>;
  expect(variables.UPGRADE_HARNESS_MATRIX === projectMatrix, "the user's top-level UPGRADE_HARNESS_MATRIX overrides the template's", JSON.stringify(variables));
  return String(shard.artifacts.reports.junit).replace(/\$\{?(\w+)\}?/g, (_, name: string) => variables[name] ?? '');
}

async function checkKindVariant(gcl: GitlabCiLocal): Promise<void> {
  const file = 'kind.gitlab-ci.yml';
  const jobs = await gcl.list(file);
  const count = (job: string) => jobs.filter((listed) => listed.name.startsWith(`${job}: [`)).length;
  expect(count('upgrade-harness:shard') === 3, 'a user redefining `upgrade-harness:shard: { parallel: 3 }` gets 3 shard jobs', `found ${names(jobs)}`);
  expect(count('upgrade-harness:kind') === 2, 'a job extending `.upgrade-harness:kind` with parallel: 2 is 2 jobs', `found ${names(jobs)}`);
  const kindMerge = jobs.find((job) => job.name === 'upgrade-harness:kind-merge');
  expect(kindMerge?.needs?.some((need) => need.job === 'upgrade-harness:kind'), 'its own merge job needs only the kind shards', JSON.stringify(kindMerge));
  const kind = (await gcl.preview(file))['upgrade-harness:kind'] ?? {};
  const before = (kind.before_script ?? []).join('\n');
  expect(
    kind.variables?.UPGRADE_HARNESS_MATRIX === '$UPGRADE_HARNESS_KIND_MATRIX' && before.includes('dockerd') && before.includes('images build') && String(kind.script).includes('--shard'),
    'the kind job runs UPGRADE_HARNESS_KIND_MATRIX by shard after starting Docker and building the images (parsed only: no kind here)',
    JSON.stringify({ variables: kind.variables, before_script: kind.before_script }),
  );
}

interface Plan {
  all: string[];
  shards: string[][];
}

async function plannedCells(project: string): Promise<Plan> {
  const { stdout } = await planJson(project, projectMatrix);
  const plan = JSON.parse(stdout) as { cells: { id: string }[]; shards: { cells: string[] }[] };
  return { all: plan.cells.map((cell) => cell.id), shards: plan.shards.map((shard) => shard.cells) };
}

function explainFailure(pipeline: Pipeline, what: string): CheckFailure {
  const verdicts = [...pipeline.verdicts].map(([job, verdict]) => `${job} ${verdict}`).join(', ');
  return new CheckFailure(`${what} (gitlab-ci-local exit ${pipeline.exitCode} after ${pipeline.seconds.toFixed(0)} s; ${verdicts || 'no job ran'}):\n${tail(pipeline.log, 80)}`);
}

/** A job's report folder as gitlab-ci-local stored its artifacts: `root` is the job's artifact root. */
interface Upload {
  root: string;
  folder: string;
}

function uploads(gcl: GitlabCiLocal, stateDir: string): { shards: Upload[]; merged: Upload[] } {
  const shards: Upload[] = [];
  const merged: Upload[] = [];
  for (const root of gcl.artifactRoots(stateDir, OUT)) {
    for (const entry of readdirSync(join(root, OUT))) {
      if (entry !== 'shards') merged.push({ root, folder: join(root, OUT, entry) });
      else for (const slug of readdirSync(join(root, OUT, 'shards'))) shards.push({ root, folder: join(root, OUT, 'shards', slug) });
    }
  }
  return { shards, merged };
}

const results = (upload: Upload) => JSON.parse(readFileSync(join(upload.folder, 'results.json'), 'utf8')) as { cells: { id: string; status: string }[] };
const cellIds = (upload: Upload) => results(upload).cells.map((cell) => cell.id);
const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const short = (upload: Upload) => upload.folder.slice(upload.folder.indexOf(`${OUT}/`));
const firstLine = (upload: Upload) => readFileSync(join(upload.folder, 'summary.md'), 'utf8').split('\n')[0];

function expectReports(upload: Upload): void {
  const missing = REPORTS.filter((file) => !existsSync(join(upload.folder, file)));
  expect(missing.length === 0, `${short(upload)} has ${REPORTS.join(', ')}`, `missing ${missing.join(', ')}`);
}

async function checkPassingPipeline(gcl: GitlabCiLocal, plan: Plan, junitGlob: string): Promise<void> {
  const stateDir = '.gitlab-ci-local';
  const pipeline = await gcl.pipeline(stateDir);
  const jobs = [...SHARD_JOBS, MERGE_JOB];
  if (pipeline.exitCode !== 0 || !jobs.every((job) => pipeline.verdicts.get(job) === 'PASS')) throw explainFailure(pipeline, 'the pipeline failed');
  ok(`the pipeline ran on this host in ${pipeline.seconds.toFixed(0)} s: ${jobs.join(', ')} passed`);
  const { shards, merged } = uploads(gcl, stateDir);
  expect(shards.length === 2, 'each shard job stored a folder of its own as artifacts', `found ${shards.map(short).join(', ') || 'none'}`);
  for (const shard of shards) {
    expectReports(shard);
    const cells = cellIds(shard);
    expect(plan.shards.some((share) => same(share, cells)), `${short(shard)} ran one planned share: ${cells.join(', ')}`, `plan --shards 2 says ${JSON.stringify(plan.shards)}`);
    const reports = globSync(junitGlob, { cwd: shard.root });
    expect(reports.length === 1, `its artifacts:reports:junit (${junitGlob}) finds its junit.xml`, `found ${JSON.stringify(reports)}`);
  }
  expect(merged.length === 1, 'the merge job stored one folder as artifacts', `found ${merged.map(short).join(', ') || 'none'}`);
  const result = merged[0]!;
  expectReports(result);
  const cells = cellIds(result);
  expect(same(cells, plan.all), `the merged results.json holds every planned cell, once (${plan.all.length})`, `it holds ${cells.join(', ')}`);
  // A testcase per cell; counting the tags is enough for a file the harness itself wrote.
  const testcases = readFileSync(join(result.folder, 'junit.xml'), 'utf8').match(/<testcase\b/g)?.length ?? 0;
  expect(testcases === plan.all.length, 'the merged junit.xml has a testcase per cell', `${testcases} testcases for ${plan.all.length} cells`);
  ok(`merged summary.md: ${firstLine(result)}`);
}

async function checkFailingPipeline(gcl: GitlabCiLocal, plan: Plan): Promise<void> {
  // A pipeline variable, as a user would set one for a run: it outranks the YAML's.
  const stateDir = '.gitlab-ci-local-failing';
  const pipeline = await gcl.pipeline(stateDir, { UPGRADE_HARNESS_MATRIX: failingMatrix });
  const failedShards = SHARD_JOBS.filter((job) => pipeline.verdicts.get(job) === 'FAIL');
  const passedShards = SHARD_JOBS.filter((job) => pipeline.verdicts.get(job) === 'PASS');
  if (pipeline.exitCode === 0 || failedShards.length !== 1 || passedShards.length !== 1) throw explainFailure(pipeline, `with ${failingMatrix}, one shard job should have failed`);
  const shardExit = pipeline.exitCodes.get(failedShards[0]!);
  expect(shardExit === 1, `with ${failingMatrix} the pipeline fails: ${failedShards[0]} failed with exit 1 (a gate), the other passed`, `it exited ${shardExit}:\n${tail(pipeline.log, 40)}`);
  const { shards, merged } = uploads(gcl, stateDir);
  const failed = shards.find((shard) => results(shard).cells.some((cell) => cell.status === 'failed'));
  expect(
    failed && readFileSync(join(failed.folder, 'junit.xml'), 'utf8').includes('<failure'),
    `the failed shard still stored its reports, its junit.xml with the <failure>: ${failed && firstLine(failed)}`,
    `stored ${shards.map(short).join(', ') || 'nothing'}`,
  );
  const mergeExit = pipeline.exitCodes.get(MERGE_JOB);
  expect(pipeline.verdicts.get(MERGE_JOB) === 'FAIL' && mergeExit === 1, 'the merge job still ran after the failed shard, and failed with exit 1', `${pipeline.verdicts.get(MERGE_JOB)}, exit ${mergeExit}`);
  const result = merged[0];
  expect(result && same(cellIds(result), plan.all), `and stored the merged reports of every cell: ${result && firstLine(result)}`, `stored ${merged.map(short).join(', ') || 'nothing'}`);
}

// Where a run came from, recorded in results.json and shown in every report. In CI the job and
// pipeline come from the CI's own variables, so a report found as an artifact leads back to its job.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, hostname, userInfo } from 'node:os';
import { relative } from 'node:path';
import type { Provenance } from '../results.ts';
import { harnessVersion } from '../util/package-root.ts';

type Env = Record<string, string | undefined>;

/** The CI that started this process, from the variables each CI documents for its jobs. */
export function startedBy(env: Env = process.env): Provenance['startedBy'] {
  if (env['GITLAB_CI']) return { ci: 'gitlab', jobUrl: env['CI_JOB_URL'] ?? null, pipeline: env['CI_PIPELINE_URL'] ?? env['CI_PIPELINE_ID'] ?? null, user: env['GITLAB_USER_LOGIN'] ?? null };
  if (env['GITHUB_ACTIONS']) {
    const run = env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID'] ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}` : null;
    // GitHub names no job URL in its variables: the run's URL with its attempt and the job's id.
    const job = run ? `${run}/attempts/${env['GITHUB_RUN_ATTEMPT'] ?? '1'}#${env['GITHUB_JOB'] ?? ''}` : null;
    return { ci: 'github', jobUrl: job, pipeline: run, user: env['GITHUB_ACTOR'] ?? null };
  }
  if (env['JENKINS_URL']) return { ci: 'jenkins', jobUrl: env['BUILD_URL'] ?? null, pipeline: env['JOB_NAME'] ?? null, user: null };
  if (env['CI']) return { ci: 'unknown', jobUrl: null, pipeline: null, user: null };
  return { ci: null, jobUrl: null, pipeline: null, user: safeUser() };
}

export async function fileDigest(file: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(file)).digest('hex')}`;
}

export interface ProvenanceInput {
  matrixFile: string;
  scenarioFile: string;
  selection: Provenance['selection'];
  cwd?: string;
}

export async function collectProvenance(input: ProvenanceInput): Promise<Provenance> {
  return {
    harnessVersion,
    node: process.version,
    host: { name: hostname(), cores: availableParallelism() },
    startedBy: startedBy(),
    matrixFile: relative(input.cwd ?? process.cwd(), input.matrixFile) || input.matrixFile,
    matrixDigest: await fileDigest(input.matrixFile),
    scenarioDigest: await fileDigest(input.scenarioFile),
    selection: input.selection,
  };
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

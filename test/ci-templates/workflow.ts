// The parts of a GitHub Actions workflow file the check reads, and a runner for a step's script:
// the script runs as GitHub runs it (bash -e), with its env's `${{ }}` expressions evaluated from
// the few contexts the template's scripts are allowed to use.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInGroup } from './children.ts';
import { CheckFailure, tail } from './say.ts';
import { binDir } from './user-project.ts';

export type Step = { id?: string; name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> };
export type Job = { needs?: string | string[]; if?: string; env?: Record<string, string>; outputs?: Record<string, string>; strategy?: any; steps?: Step[] };
export type Workflow = { on: Record<string, { inputs?: Record<string, { required?: boolean }> }>; jobs: Record<string, Job> };

export const needsOf = (job: Job | undefined): string[] => (job?.needs === undefined ? [] : [job.needs].flat());
export const stepsOf = (job: Job | undefined): Step[] => job?.steps ?? [];

/** The contexts an expression may read: inputs.X, matrix.X, env.X. */
export type Contexts = Record<'inputs' | 'matrix' | 'env', Record<string, unknown>>;

export function evaluate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (expression, inner: string) => {
    const [, context, name] = /^(inputs|matrix|env)\.([\w-]+)$/.exec(inner) ?? [];
    const value = context === undefined ? undefined : contexts[context as keyof Contexts][name!];
    if (value === undefined) throw new CheckFailure(`the check cannot evaluate ${expression}`);
    return String(value);
  });
}

export interface StepRun {
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Map<string, string>;
  /** What it appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
}

/** Runs `step.run` in `workspace` with the job's and the step's env, as the runner would. */
export async function runStep(step: Step, job: Job, contexts: Contexts, workspace: string, runnerTemp: string): Promise<StepRun> {
  if (step.run === undefined) throw new CheckFailure(`step ${step.name ?? step.id} has no script`);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...job.env, ...step.env })) env[name] = evaluate(value, { ...contexts, env });
  const files = { GITHUB_OUTPUT: join(runnerTemp, `output-${process.hrtime.bigint()}`), GITHUB_STEP_SUMMARY: join(runnerTemp, `summary-${process.hrtime.bigint()}`) };
  const ran = await runInGroup('bash', ['-e', '-c', step.run], {
    cwd: workspace,
    env: { ...env, ...files, RUNNER_TEMP: runnerTemp, PATH: `${binDir}:${process.env.PATH ?? ''}` },
  });
  if (ran.exitCode !== 0) throw new CheckFailure(`step "${step.name ?? step.id}" failed (exit ${ran.exitCode}):\n${tail(ran.all)}`);
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');
  return { outputs: parseOutputs(await read(files.GITHUB_OUTPUT)), summary: await read(files.GITHUB_STEP_SUMMARY) };
}

/** $GITHUB_OUTPUT's two forms: `name=value` and `name<<DELIMITER` ... `DELIMITER`. */
function parseOutputs(text: string): Map<string, string> {
  const outputs = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs.set(heredoc[1]!, lines.slice(i + 1, end).join('\n'));
      i = end;
    } else if (line.includes('=')) {
      outputs.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
    }
  }
  return outputs;
}

// Driving gitlab-ci-local in the user project, and reading what it leaves: the job list, the
// expanded configuration, each job's verdict and exit code, and the artifacts it stored per job.
import { runInGroup } from './children.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CheckFailure, tail } from './say.ts';
import { binDir } from './user-project.ts';

export interface ListedJob {
  name: string;
  when: string;
  needs?: { job: string; artifacts: boolean }[];
}

export type Config = Record<string, Record<string, any>>;

export interface Pipeline {
  exitCode: number;
  seconds: number;
  /** Job name -> PASS, FAIL or WARN, from gitlab-ci-local's closing lines. */
  verdicts: Map<string, string>;
  /** Job name -> the exit code of a failed job. */
  exitCodes: Map<string, number>;
  log: string;
}

export class GitlabCiLocal {
  readonly project: string;
  private readonly env: Record<string, string>;

  constructor(project: string) {
    this.project = project;
    // Only this check's settings: a GCL_* variable of the caller's would change what runs.
    this.env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => !entry[0].startsWith('GCL_') && entry[1] !== undefined));
    // Node 24 first on PATH, for gitlab-ci-local itself and for the jobs it runs on this host.
    this.env.PATH = `${binDir}:${this.env.PATH ?? ''}`;
  }

  /** Started in the project: gitlab-ci-local takes only a relative --cwd. */
  private run(args: string[]) {
    // --home: no variables from the caller's ~/.gitlab-ci-local; --color=false: a readable log.
    const common = ['--home', join(this.project, '.gcl-home'), '--color=false'];
    return runInGroup(join(binDir, 'gitlab-ci-local'), [...common, ...args], { cwd: this.project, env: this.env, extendEnv: false });
  }

  async list(file?: string): Promise<ListedJob[]> {
    const listed = await this.run([...fileArgs(file), '--list-json']);
    if (listed.exitCode !== 0) throw new CheckFailure(`gitlab-ci-local could not read ${file ?? '.gitlab-ci.yml'}:\n${tail(listed.all)}`);
    return JSON.parse(listed.stdout) as ListedJob[];
  }

  /** The configuration with includes, extends and overrides applied. */
  async preview(file?: string): Promise<Config> {
    const shown = await this.run([...fileArgs(file), '--preview']);
    if (shown.exitCode !== 0) throw new CheckFailure(`gitlab-ci-local could not expand ${file ?? '.gitlab-ci.yml'}:\n${tail(shown.all)}`);
    return parse(shown.stdout) as Config;
  }

  /** Runs the whole pipeline on this host; `stateDir` keeps each run's builds and artifacts apart. */
  async pipeline(stateDir: string, variables: Record<string, string> = {}): Promise<Pipeline> {
    const started = performance.now();
    const ran = await this.run([
      // The jobs name an image: without this gitlab-ci-local would run them in Docker containers.
      '--force-shell-executor',
      // Each job in a folder of its own holding the committed files: a job sees another's files
      // only as artifacts (through `needs`), as on a real runner.
      '--shell-isolation',
      // Artifacts stay in the state folder, as on GitLab, instead of being copied into the project.
      '--no-artifacts-to-source',
      '--state-dir', stateDir,
      '--timestamps',
      ...Object.entries(variables).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
    ]);
    const log = ran.all;
    const verdicts = new Map<string, string>();
    const exitCodes = new Map<string, number>();
    for (const line of log.split('\n')) {
      // ` PASS  [   19 s] upgrade-harness:shard: [1/2]` and `[time] job  finished in 1 s  FAIL 1`
      const verdict = /^\s*(PASS|FAIL|WARN)\s+(?:\[[^\]]*\]\s+)?(.+?)\s*$/.exec(line);
      if (verdict) verdicts.set(verdict[2]!, verdict[1]!);
      const failed = /^(?:\[[^\]]*\]\s+)?(.+?)\s+finished in .*\bFAIL (\d+)/.exec(line);
      if (failed) exitCodes.set(failed[1]!, Number(failed[2]));
    }
    return { exitCode: ran.exitCode, seconds: (performance.now() - started) / 1000, verdicts, exitCodes, log };
  }

  /** Each job's stored artifacts that hold `folder`: the job's artifact root, once per job. */
  artifactRoots(stateDir: string, folder: string): string[] {
    const store = join(this.project, stateDir, 'artifacts');
    if (!existsSync(store)) return [];
    return readdirSync(store).map((job) => join(store, job)).filter((root) => existsSync(join(root, folder)));
  }
}

const fileArgs = (file?: string) => (file ? ['--file', file] : []);

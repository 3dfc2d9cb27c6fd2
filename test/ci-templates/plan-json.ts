// `plan --json --shards 2` as the user project runs it: what the templates' jobs are checked against.
import { runInGroup, type Ran } from './children.ts';
import { CheckFailure, tail } from './say.ts';
import { binDir } from './user-project.ts';

export async function planJson(project: string, matrix: string): Promise<Ran> {
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}` } as Record<string, string>;
  const ran = await runInGroup('npx', ['--no-install', 'upgrade-harness', 'plan', matrix, '--json', '--shards', '2'], { cwd: project, env });
  if (ran.exitCode !== 0) throw new CheckFailure(`plan ${matrix} --json --shards 2 failed (exit ${ran.exitCode}):\n${tail(ran.all)}`);
  return ran;
}

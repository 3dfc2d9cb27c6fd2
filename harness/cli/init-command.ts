import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { initFiles } from './init-files.ts';

/** `upgrade-harness init`: starter files in the project; never overwrites one unless told to. */
export async function initCommand(options: { app: string; force?: boolean; dir?: string }): Promise<number> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(options.app)) {
    throw new ConfigError(`--app "${options.app}" is not a scenario name`, [], 'use letters, digits, dot, dash and underscore, e.g. --app my-app');
  }
  const root = resolve(options.dir ?? process.cwd());
  const files = Object.entries(initFiles(options.app));
  const existing = [];
  for (const [path] of files) if (await stat(join(root, path)).catch(() => null)) existing.push(path);
  if (existing.length > 0 && !options.force) {
    throw new ConfigError(`init would overwrite ${existing.join(', ')}`, [], 'move them away, or pass --force to overwrite them');
  }
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  process.stdout.write(
    [
      `wrote ${files.map(([path]) => path).join(', ')}`,
      'next:',
      '  npx upgrade-harness run matrices/try-sample-app.yaml   # runs now, on the harness\'s own sample app',
      `  edit scenarios/${options.app}/scenario.yaml (how your app starts, migrates, answers), then`,
      '  npx upgrade-harness plan matrices/upgrade.yaml && npx upgrade-harness run matrices/upgrade.yaml',
      '',
    ].join('\n'),
  );
  return 0;
}

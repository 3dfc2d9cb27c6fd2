// An npm package and everything it depends on, found in the nearest node_modules: what a Node
// app image needs without running npm (no registry inside `docker build`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../../errors.ts';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Absolute folders of `names` and their (non-optional, or present optional) dependencies, by package name. */
export async function packageClosure(names: readonly string[], from: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (name: string, start: string, optional: boolean): Promise<void> => {
    if (found.has(name)) return;
    const dir = locate(name, start);
    if (!dir) {
      if (optional) return;
      throw new ConfigError(`npm package ${name} is not installed in any node_modules above ${start}`, [], 'run npm install in the project first');
    }
    found.set(name, dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) await visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) await visit(dep, dir, true);
  };
  for (const name of names) await visit(name, from, false);
  return found;
}

/** Node's lookup: node_modules/NAME in this folder or any above it. */
function locate(name: string, start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

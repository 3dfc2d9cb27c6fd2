// Files the harness ships beside its code (built-in scenarios, Dockerfiles, package.json) are
// found from the package's root, which is one level up in a source checkout (harness/...) and
// two in the built package (dist/harness/...).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'upgrade-harness') return dir;
    if (dirname(dir) === dir) throw new Error(`upgrade-harness: no package.json of upgrade-harness above ${start}`);
  }
}

/** Absolute path of the folder holding upgrade-harness's own package.json. */
export const packageRoot: string = findPackageRoot(import.meta.dirname);

/** The version in upgrade-harness's package.json. */
export const harnessVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

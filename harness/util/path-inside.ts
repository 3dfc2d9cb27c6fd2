import { join, resolve, sep } from 'node:path';
import { InfrastructureError } from '../errors.ts';

/**
 * `root/a/b` for names made from input (a cell id, a version), each one plain file name, the
 * result inside `root`. The loader already refuses such names; this is where a file is made
 * of one, so no path can leave the run's folder even if a check upstream is missed.
 */
export function pathInside(root: string, ...names: string[]): string {
  for (const name of names) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw unsafe(root, name);
  }
  const base = resolve(root);
  const path = join(base, ...names);
  if (!path.startsWith(base + sep)) throw unsafe(root, names.join('/'));
  return path;
}

function unsafe(root: string, name: string): InfrastructureError {
  return new InfrastructureError(`refusing to make a file named ${JSON.stringify(name)} in ${root}: it would not be a plain name inside that folder`, {
    code: 'UNSAFE_FILE_NAME',
    hint: 'the name comes from the matrix or scenario, whose checks should have refused it: please report this',
  });
}

// The wrapper Go module: k8s.io/kubernetes cannot be `go install`ed because its go.mod points
// its staging modules at local folders; a module that depends on it and replaces each staging
// module with its published tag can build its commands (and etcd, whose server module has
// local replaces of its own, from the same dependency graph).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ETCD_VERSION, KUBERNETES_VERSION, STAGING_MODULES, STAGING_VERSION } from './versions.ts';
import { goEnv, runGo } from './go-tool.ts';

export function wrapperGoMod(): string {
  const replaces = STAGING_MODULES.map((name) => `\tk8s.io/${name} => k8s.io/${name} ${STAGING_VERSION}`);
  return [
    'module upgrade-harness.local/rig',
    '',
    'go 1.24.0',
    '',
    'replace (',
    ...replaces,
    ')',
    '',
  ].join('\n');
}

/** Marks a wrapper whose `go get` finished, so a later run skips resolving the graph again. */
const RESOLVED_MARK = '.resolved';

/** Writes the module (if needed) and resolves its requirements; returns its folder. */
export async function prepareWrapperModule(dir: string, log: (line: string) => void): Promise<void> {
  const mark = join(dir, RESOLVED_MARK);
  const wanted = `${KUBERNETES_VERSION} ${ETCD_VERSION}`;
  const done = await readFile(mark, 'utf8').catch(() => '');
  if (done === wanted) return;
  await mkdir(dir, { recursive: true });
  // Start from a fresh go.mod: an old one may hold requirements of an earlier version.
  await writeFile(join(dir, 'go.mod'), wrapperGoMod());
  await writeFile(join(dir, 'go.sum'), '');
  log(`resolving k8s.io/kubernetes@${KUBERNETES_VERSION} and go.etcd.io/etcd/server/v3@${ETCD_VERSION}`);
  await runGo(['get', `k8s.io/kubernetes@${KUBERNETES_VERSION}`, `go.etcd.io/etcd/server/v3@${ETCD_VERSION}`], { cwd: dir, env: goEnv() });
  await writeFile(mark, wanted);
}

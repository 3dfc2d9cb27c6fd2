// Builds the rig's binaries from source with Go, one at a time, into a folder keyed by all
// versions. Each binary is linked to a temporary name and renamed into place, so an
// interrupted build never leaves a half-written binary that a later run would trust.
import { access, constants, copyFile, link, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { goEnv, runGo } from './go-tool.ts';
import { prepareWrapperModule } from './go-wrapper.ts';
import { withBuildLock } from './build-lock.ts';
import { BINARY_NAMES, binaryPath, harnessBinDir, rigBinDir, rigCacheDir, wrapperModuleDir, type BinaryName } from './paths.ts';
import { HELM_VERSION, KUBERNETES_VERSION, KWOK_VERSION } from './versions.ts';

/** At most two compile jobs: two cores, and each Kubernetes link takes 1-2 GB. */
const GO_PARALLELISM = '2';

export interface BuildReport {
  built: BinaryName[];
  durationMs: number;
  totalBytes: number;
}

export async function binariesPresent(): Promise<boolean> {
  for (const name of BINARY_NAMES) {
    if (!(await isExecutable(binaryPath(name)))) return false;
  }
  return true;
}

export async function ensureBinaries(log: (line: string) => void = defaultLog): Promise<BuildReport> {
  const started = performance.now();
  const built: BinaryName[] = [];
  if (!(await binariesPresent())) {
    await withBuildLock(rigCacheDir(), log, async () => {
      await mkdir(rigBinDir(), { recursive: true });
      const missing: BinaryName[] = [];
      for (const name of BINARY_NAMES) if (!(await isExecutable(binaryPath(name)))) missing.push(name);
      if (missing.some((name) => WRAPPER_BUILT.has(name))) await prepareWrapperModule(wrapperModuleDir(), log);
      for (const [index, name] of missing.entries()) {
        const t0 = performance.now();
        log(`building ${name} (${index + 1}/${missing.length})`);
        const heartbeat = setInterval(() => log(`  still building ${name}, ${seconds(t0)} s`), 30_000);
        try {
          await buildOne(name);
        } finally {
          clearInterval(heartbeat);
        }
        built.push(name);
        log(`built ${name} in ${seconds(t0)} s (${seconds(started)} s in all)`);
      }
    });
  }
  await publishHelm();
  let totalBytes = 0;
  for (const name of BINARY_NAMES) totalBytes += (await stat(binaryPath(name))).size;
  const report = { built, durationMs: Math.round(performance.now() - started), totalBytes };
  if (built.length) log(`built ${built.join(', ')} in ${Math.round(report.durationMs / 1000)} s; binaries ${(totalBytes / 1e6).toFixed(0)} MB in ${rigBinDir()}`);
  return report;
}

/** Built from the wrapper module; kwok and helm are plain `go install pkg@version`. */
const WRAPPER_BUILT = new Set<BinaryName>(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);

async function buildOne(name: BinaryName): Promise<void> {
  if (WRAPPER_BUILT.has(name)) {
    const temp = join(rigBinDir(), `.${name}.partial-${process.pid}`);
    try {
      await runGo(['build', '-mod=mod', '-trimpath', `-p=${GO_PARALLELISM}`, `-ldflags=${ldflags(name)}`, '-o', temp, wrapperPackage(name)], {
        cwd: wrapperModuleDir(),
        env: goEnv(),
      });
      await rename(temp, binaryPath(name));
    } finally {
      await rm(temp, { force: true });
    }
    return;
  }
  // `go install pkg@version` honours only that module's own go.mod (what the projects
  // document); it writes to GOBIN, so GOBIN is a private folder renamed from afterwards.
  const gobin = await mkdtemp(join(rigBinDir(), `.gobin-${name}-`));
  try {
    const pkg = name === 'kwok' ? `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}` : `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`;
    await runGo(['install', '-trimpath', `-p=${GO_PARALLELISM}`, `-ldflags=${ldflags(name)}`, pkg], { env: goEnv({ GOBIN: gobin }) });
    await rename(join(gobin, name), binaryPath(name));
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

function wrapperPackage(name: BinaryName): string {
  // etcd's server module is itself the `etcd` command (its main.go calls etcdmain.Main).
  return name === 'etcd' ? 'go.etcd.io/etcd/server/v3' : `k8s.io/kubernetes/cmd/${name}`;
}

/** -s -w: no symbol tables, a third smaller; nobody debugs these binaries. */
function ldflags(name: BinaryName): string {
  const flags = ['-s', '-w'];
  if (name.startsWith('kube-')) {
    // Without these /version says v0.0.0 and Helm's kubeVersion constraints fail.
    const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      flags.push(
        `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        // Placeholders: built from the module proxy, not from a git checkout.
        `-X ${pkg}.gitCommit=0000000000000000000000000000000000000000`,
        `-X ${pkg}.gitTreeState=clean`,
        `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
      );
    }
  }
  if (name === 'helm') flags.push(`-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`);
  if (name === 'kwok') flags.push(`-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}`);
  return flags.join(' ');
}

/** Hard-links helm into the folder the harness searches after PATH (a copy would double it). */
async function publishHelm(): Promise<void> {
  const target = join(harnessBinDir(), 'helm');
  const source = binaryPath('helm');
  const [a, b] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
  if (b && b.ino === a.ino && b.dev === a.dev) return;
  await mkdir(harnessBinDir(), { recursive: true });
  const temp = `${target}.partial-${process.pid}`;
  await rm(temp, { force: true });
  try {
    await link(source, temp);
  } catch (error) {
    // Another filesystem (XDG_CACHE_HOME elsewhere): a copy it is.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(source, temp);
  }
  await rename(temp, target);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 1000);
}

function defaultLog(line: string): void {
  process.stderr.write(`rig: ${line}\n`);
}

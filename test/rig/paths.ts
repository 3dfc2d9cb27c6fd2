// Where the rig keeps what outlives one run: binaries cached by version, outside the repo.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { toolCacheDir } from '../../harness/tools/helm-cli.ts';
import { versionKey } from './versions.ts';

/** ${XDG_CACHE_HOME:-$HOME/.cache}/upgrade-harness: shared with the harness itself. */
export function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'upgrade-harness');
}

/** One folder per combination of versions, so a version bump never reuses a stale binary. */
export function rigCacheDir(): string {
  return join(cacheRoot(), 'rig', versionKey());
}

export function rigBinDir(): string {
  return join(rigCacheDir(), 'bin');
}

/** The generated Go module that builds the Kubernetes binaries and etcd. */
export function wrapperModuleDir(): string {
  return join(rigCacheDir(), 'go-wrapper');
}

/**
 * The harness looks for helm on PATH first and then in this folder, so a machine without a
 * helm package still gets the one the rig built.
 */
export const harnessBinDir = toolCacheDir;

export type BinaryName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok' | 'helm';

export const BINARY_NAMES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'helm'];

export function binaryPath(name: BinaryName): string {
  return join(rigBinDir(), name);
}

// Where everything of one running rig lives inside its folder DIR.
import { join, resolve } from 'node:path';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** Start order; stopping goes the other way, so nothing loses its API before its clients. */
export const COMPONENTS: readonly ComponentName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

export interface RigLayout {
  dir: string;
  /** Written first: `down` removes only folders that carry it. */
  marker: string;
  kubeconfig: string;
  pkiDir: string;
  logsDir: string;
  pidsDir: string;
  etcdDataDir: string;
  kwokConfig: string;
  /** kwok reads ~/.kwok/kwok.yaml when it exists: its HOME is a folder of the rig instead. */
  kwokHome: string;
  logFile(name: ComponentName): string;
  pidFile(name: ComponentName): string;
  componentKubeconfig(name: ComponentName): string;
}

export function rigLayout(dir: string): RigLayout {
  const root = resolve(dir);
  return {
    dir: root,
    marker: join(root, '.upgrade-harness-rig'),
    kubeconfig: join(root, 'kubeconfig'),
    pkiDir: join(root, 'pki'),
    logsDir: join(root, 'logs'),
    pidsDir: join(root, 'pids'),
    etcdDataDir: join(root, 'etcd'),
    kwokConfig: join(root, 'kwok.yaml'),
    kwokHome: join(root, 'kwok-home'),
    logFile: (name) => join(root, 'logs', `${name}.log`),
    pidFile: (name) => join(root, 'pids', `${name}.pid`),
    componentKubeconfig: (name) => join(root, 'kubeconfigs', `${name}.kubeconfig`),
  };
}

// Every version the rig builds, in one place: changing one changes the cache key, so the
// binaries are rebuilt exactly when a version changes and never otherwise.

/** Kubernetes release built for kube-apiserver, kube-controller-manager and kube-scheduler. */
export const KUBERNETES_VERSION = 'v1.34.4';

/** The staging modules (k8s.io/api, ...) are tagged v0.MINOR.PATCH for release v1.MINOR.PATCH. */
export const STAGING_VERSION = KUBERNETES_VERSION.replace(/^v1\./, 'v0.');

/** Debian's etcd 3.4 is too old for Kubernetes 1.34; 3.6 is the line 1.34 is tested with. */
export const ETCD_VERSION = 'v3.6.16';

export const KWOK_VERSION = 'v0.8.0';

export const HELM_VERSION = 'v3.21.4';

/**
 * The modules k8s.io/kubernetes maps to ./staging/src/...: `go get` refuses such a module
 * unless the depending module replaces each of them with its published version.
 */
export const STAGING_MODULES = [
  'api',
  'apiextensions-apiserver',
  'apimachinery',
  'apiserver',
  'cli-runtime',
  'client-go',
  'cloud-provider',
  'cluster-bootstrap',
  'code-generator',
  'component-base',
  'component-helpers',
  'controller-manager',
  'cri-api',
  'cri-client',
  'csi-translation-lib',
  'dynamic-resource-allocation',
  'endpointslice',
  'externaljwt',
  'kms',
  'kube-aggregator',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'metrics',
  'mount-utils',
  'pod-security-admission',
  'sample-apiserver',
  'sample-cli-plugin',
  'sample-controller',
] as const;

/** Names the cache folder: one folder per combination of versions. */
export function versionKey(): string {
  return `k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_helm-${HELM_VERSION}`;
}

// The command lines of the rig's components. Every listener is on 127.0.0.1; flags follow
// controller-runtime's envtest for etcd and kube-apiserver, plus what a controller manager
// with service-account credentials needs.
import { join } from 'node:path';
import type { RigPki } from './certificates.ts';
import type { ComponentName, RigLayout } from './layout.ts';
import { binaryPath } from './paths.ts';

/** Cluster-internal only: no packet ever goes to these addresses. */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

/** Pod addresses for a node without a spec.podCIDR (the rig's nodes all have one). */
export const KWOK_FALLBACK_POD_CIDR = '10.244.255.0/24';

export interface RigPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export interface ComponentSpec {
  name: ComponentName;
  binary: string;
  args: string[];
  env?: Record<string, string>;
}

export function apiServerUrl(ports: RigPorts): string {
  return `https://127.0.0.1:${ports.apiserver}`;
}

export function componentSpecs(layout: RigLayout, pki: RigPki, ports: RigPorts): ComponentSpec[] {
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    {
      name: 'etcd',
      binary: binaryPath('etcd'),
      args: [
        '--name=rig',
        `--data-dir=${layout.etcdDataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        // A single member still listens for peers: on loopback too.
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=rig=${peerUrl}`,
        // No --listen-metrics-urls: metrics stay on the client listener, no extra port.
        // A test cluster's data is disposable; fsync is what makes etcd slow on shared disks.
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
    },
    {
      name: 'kube-apiserver',
      binary: binaryPath('kube-apiserver'),
      args: [
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        `--etcd-servers=${etcdUrl}`,
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--client-ca-file=${pki.ca.cert}`,
        // Nothing is written to the default /var/run/kubernetes.
        `--cert-dir=${layout.pkiDir}`,
        `--service-account-issuer=${apiServerUrl(ports)}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=true',
        // Endpoints may not hold loopback addresses, so the `kubernetes` Service's endpoint
        // reconciler would fail forever on 127.0.0.1; nothing in the rig dials that Service.
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        '-v=1',
      ],
    },
    {
      name: 'kube-controller-manager',
      binary: binaryPath('kube-controller-manager'),
      args: [
        `--kubeconfig=${layout.componentKubeconfig('kube-controller-manager')}`,
        // Its /healthz on loopback, served with the API server's certificate (valid for 127.0.0.1).
        // No --authentication/authorization-kubeconfig: /healthz is always allowed, and with
        // them both components poll for a front-proxy CA this API server does not have.
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.controllerManager}`,
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--cert-dir=${layout.pkiDir}`,
        // Its default is /usr/libexec/kubernetes/..., which it would create on the host.
        `--flex-volume-plugin-dir=${join(layout.dir, 'flexvolume')}`,
        '--controllers=*',
        // Each controller acts as its own ServiceAccount, as in a real cluster (RBAC applies).
        '--use-service-account-credentials=true',
        `--root-ca-file=${pki.ca.cert}`,
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--cluster-signing-cert-file=${pki.ca.cert}`,
        `--cluster-signing-key-file=${pki.ca.key}`,
        `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        '--leader-elect=false',
        '--profiling=false',
        '-v=1',
      ],
    },
    {
      name: 'kube-scheduler',
      binary: binaryPath('kube-scheduler'),
      args: [
        `--kubeconfig=${layout.componentKubeconfig('kube-scheduler')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.scheduler}`,
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--cert-dir=${layout.pkiDir}`,
        '--leader-elect=false',
        '--profiling=false',
        '-v=1',
      ],
    },
    {
      name: 'kwok',
      binary: binaryPath('kwok'),
      args: [
        `--kubeconfig=${layout.componentKubeconfig('kwok')}`,
        `--config=${layout.kwokConfig}`,
        // Only the rig's own nodes: kwok never takes over a node it did not get.
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        // Pod IPs come from each node's spec.podCIDR; this is the fallback. Never routed.
        `--cidr=${KWOK_FALLBACK_POD_CIDR}`,
        // kwok renews each node's Lease in kube-node-lease (every quarter of this): what keeps
        // the node lifecycle controller from marking the nodes NotReady and evicting pods.
        '--node-lease-duration-seconds=40',
        // No --server-address and no --node-port: kwok then opens no listener at all.
      ],
      env: { HOME: layout.kwokHome },
    },
  ];
}

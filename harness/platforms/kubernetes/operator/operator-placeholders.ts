import type { KubernetesApp } from '../kubernetes-app.ts';
import type { PlaceholderValues } from '../manifests.ts';
import { placeholderValues } from '../workload.ts';

/** What an operator's files and command may hold: the cell's own values and replicas, its kubeconfig, the Node that runs the harness ({{node}}: a TypeScript operator runs on it), the scenario's required stops. */
export function operatorPlaceholders(app: KubernetesApp, version = ''): PlaceholderValues {
  return { ...placeholderValues(app, version), replicas: app.cell.replicas, node: process.execPath, kubeconfig: app.kubeconfig, upgradeStops: app.cell.scenario.upgradeStops.join(',') };
}

import type { MethodName } from '../../../matrix/cell.ts';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import type { Installation } from '../../platform.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';

/**
 * A method as Kubernetes carries it out: the harness asks the cluster (a Deployment strategy, a
 * Service selector, Helm) and watches. One implementation per method, as sibling files.
 */
export interface KubernetesMethod {
  readonly name: MethodName;
  /** Installs `version` ready to serve (database, migrations, workload) and returns what moves it. */
  install(app: KubernetesApp, version: string, context: MethodContext): Promise<Installation>;
}

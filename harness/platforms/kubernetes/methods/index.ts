import { InfrastructureError } from '../../../errors.ts';
import type { MethodName } from '../../../matrix/cell.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { helmMethod } from './helm.ts';
import type { KubernetesMethod } from './kubernetes-method.ts';
import { operatorMethod } from './operator.ts';
import { recreate } from './recreate.ts';
import { rolling } from './rolling.ts';

const methods: Partial<Record<MethodName, KubernetesMethod>> = { rolling, recreate, 'blue-green': blueGreen, canary, helm: helmMethod, operator: operatorMethod };

export function kubernetesMethod(name: MethodName): KubernetesMethod {
  const method = methods[name];
  if (!method) throw new InfrastructureError(`method ${name} does not exist on Kubernetes`, { code: 'INTERNAL' });
  return method;
}

import { InfrastructureError } from '../errors.ts';
import type { MethodName } from '../matrix/cell.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { recreate } from './recreate.ts';
import { rolling } from './rolling.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

/** The methods the harness orchestrates itself (local, docker); Kubernetes keeps its own beside it. */
const methods: Partial<Record<MethodName, UpgradeMethod>> = {
  recreate,
  rolling,
  'blue-green': blueGreen,
  canary,
};

export function upgradeMethod(name: MethodName): UpgradeMethod {
  const method = methods[name];
  // The matrix rules refuse such a pair before anything starts; reaching here is a bug.
  if (!method) throw new InfrastructureError(`method ${name} is not one the harness orchestrates`, { code: 'INTERNAL' });
  return method;
}

import type { MethodName } from '../matrix/cell.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { recreate } from './recreate.ts';
import { rolling } from './rolling.ts';
import type { UpgradeMethod } from './upgrade-method.ts';

const methods: Record<MethodName, UpgradeMethod> = {
  recreate,
  rolling,
  'blue-green': blueGreen,
  canary,
};

export function upgradeMethod(name: MethodName): UpgradeMethod {
  return methods[name];
}

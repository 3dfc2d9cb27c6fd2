import type { KubernetesMethod } from './kubernetes-method.ts';
import { installInPlace } from './in-place.ts';

/** Deployment strategy Recreate: the controller removes every old pod before it creates a new one. */
export const recreate: KubernetesMethod = {
  name: 'recreate',
  install: (app, version, context) => installInPlace(app, version, context, { type: 'Recreate' }),
};

import type { KubernetesMethod } from './kubernetes-method.ts';
import { installInPlace } from './in-place.ts';

/** Deployment RollingUpdate: maxSurge and maxUnavailable from the matrix (default 1 and 0). */
export const rolling: KubernetesMethod = {
  name: 'rolling',
  install: (app, version, context) => {
    const { maxSurge, maxUnavailable } = app.cell.kubernetes!;
    return installInPlace(app, version, context, { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });
  },
};

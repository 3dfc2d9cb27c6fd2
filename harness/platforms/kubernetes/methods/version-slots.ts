// blue-green and canary run one Deployment per version side by side ("slots"): the scenario's
// Deployment, renamed web-1-1-0, with a slot label in its selector and pod template so the
// Service can select one version (blue-green) or both (canary).
import type * as k8s from '@kubernetes/client-node';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { SLOT_LABEL, versionSlug } from '../names.ts';
import type { VersionObjects } from '../workload.ts';

export interface Slot {
  version: string;
  deployment: k8s.V1Deployment;
}

/** The version's Deployment as its own slot, scaled to `replicas`. */
export function slotFor(app: KubernetesApp, objects: VersionObjects, version: string, replicas: number): Slot {
  const base = objects.deployment;
  const slot = { [SLOT_LABEL]: versionSlug(version) };
  const spec = base.spec!;
  const deployment: k8s.V1Deployment = {
    ...base,
    metadata: { ...base.metadata, name: `${base.metadata!.name}-${versionSlug(version)}` },
    spec: {
      ...spec,
      replicas,
      selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, ...slot } },
      template: { ...spec.template, metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...slot } } },
    },
  };
  return { version, deployment };
}

export function scaled(slot: Slot, replicas: number): k8s.V1Deployment {
  return { ...slot.deployment, spec: { ...slot.deployment.spec!, replicas } };
}

export const slotName = (slot: Slot): string => slot.deployment.metadata!.name!;
export const slotSelector = (slot: Slot): Record<string, string> => slot.deployment.spec!.selector.matchLabels!;

/** The Service selecting only this slot's pods (blue-green) or, without `slot`, every version's (canary). */
export function serviceSelecting(service: k8s.V1Service, slot: Slot | null): k8s.V1Service {
  const selector = { ...service.spec?.selector };
  if (slot) selector[SLOT_LABEL] = versionSlug(slot.version);
  return { ...service, spec: { ...service.spec, selector } };
}

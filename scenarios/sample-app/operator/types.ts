// The SampleApp custom resource as the operator reads and writes it (crd.yaml is its schema).
import type { KubernetesObject } from '@kubernetes/client-node';

export const GROUP = 'sample-app.upgrade-harness.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'SampleApp';
export const PLURAL = 'sampleapps';

/** The field manager of every server-side apply, and the component named on Events. */
export const OPERATOR_NAME = 'sample-app-operator';

export const DEFAULT_REPLICAS = 2;
export const DEFAULT_IMAGE_REPOSITORY = 'upgrade-harness/sample-app';
export const DEFAULT_DATABASE_IMAGE = 'upgrade-harness/postgres:15';

export interface SampleAppSpec {
  version: string;
  replicas?: number;
  imageRepository?: string;
  databaseImage?: string;
  service?: { nodePort?: number };
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A status condition as metav1.Condition has it. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface SampleAppStatus {
  /** The version that is installed: every step of its install or upgrade is done. */
  version?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface SampleApp extends KubernetesObject {
  spec: SampleAppSpec;
  status?: SampleAppStatus;
}

/** The spec with the CRD's defaults filled in (the API server fills them too; a test object may not have them). */
export interface ResolvedSpec {
  version: string;
  replicas: number;
  imageRepository: string;
  databaseImage: string;
  nodePort: number | null;
}

export function resolveSpec(spec: SampleAppSpec): ResolvedSpec {
  return {
    version: spec.version,
    replicas: spec.replicas ?? DEFAULT_REPLICAS,
    imageRepository: spec.imageRepository ?? DEFAULT_IMAGE_REPOSITORY,
    databaseImage: spec.databaseImage ?? DEFAULT_DATABASE_IMAGE,
    nodePort: spec.service?.nodePort ?? null,
  };
}

export function appImage(spec: ResolvedSpec, version: string): string {
  return `${spec.imageRepository}:${version}`;
}

// The objects a SampleApp named N in namespace NS stands for, as the operator applies them
// (server-side apply, field manager sample-app-operator). The same shapes as the app's plain
// manifests (kubernetes/manifests, kubernetes/jobs):
//
//   Secret database            password (random, made once) and url
//   Service + StatefulSet postgres   the database, headless Service
//   Deployment + Service N     the app at a version: pods labelled app.kubernetes.io/name: N and
//                              app.kubernetes.io/version: VERSION, port http 8080, Service 80 -> http
//   Job N-migrate-pre-1-1-0    `node app/migrate.mjs pre 1.1.0` (and -post-), backoffLimit 0
//
// Every object carries an ownerReference to the SampleApp (deleting it deletes them) and the label
// app.kubernetes.io/managed-by: sample-app-operator.
//
// One SampleApp per namespace: the database's objects have fixed names (postgres, database), as
// the app's manifests have them; a second SampleApp in the same namespace would share them.
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { VERSION_LABEL } from './reconcile.ts';
import { API_VERSION, appImage, KIND, OPERATOR_NAME, type ResolvedSpec, type SampleApp } from './types.ts';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MIGRATION_LABEL = 'sample-app.upgrade-harness.io/migration';

export const DATABASE_SECRET = 'database';
export const DATABASE_NAME = 'postgres';
const DATABASE_USER = 'sample';
const DATABASE_DB = 'sample';
const APP_PORT = 8080;

export type Phase = 'pre' | 'post';

/** N-migrate-pre-1-1-0: the version with its dots as dashes, lower-case (a DNS label). */
export function jobName(app: string, phase: Phase, version: string): string {
  return `${app}-migrate-${phase}-${version.replaceAll('.', '-').toLowerCase()}`;
}

export interface Owner {
  name: string;
  namespace: string;
  uid: string;
}

export function ownerOf(app: SampleApp): Owner {
  const { name, namespace, uid } = app.metadata ?? {};
  if (!name || !namespace || !uid) throw new Error('a SampleApp read from the API has a name, a namespace and a uid');
  return { name, namespace, uid };
}

function metadata(owner: Owner, name: string, labels: Record<string, string>): k8s.V1ObjectMeta {
  return {
    name,
    namespace: owner.namespace,
    labels: { ...labels, [MANAGED_BY_LABEL]: OPERATOR_NAME },
    ownerReferences: [{ apiVersion: API_VERSION, kind: KIND, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
  };
}

/** A fresh password: made once, when the Secret does not exist (it is never applied over an existing one). */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

export function databaseSecret(owner: Owner, password: string): k8s.V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(owner, DATABASE_SECRET, { [NAME_LABEL]: DATABASE_NAME }),
    type: 'Opaque',
    stringData: {
      password,
      url: `postgres://${DATABASE_USER}:${password}@${DATABASE_NAME}:5432/${DATABASE_DB}`,
    },
  };
}

export function databaseService(owner: Owner): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(owner, DATABASE_NAME, { [NAME_LABEL]: DATABASE_NAME }),
    spec: {
      clusterIP: 'None',
      selector: { [NAME_LABEL]: DATABASE_NAME },
      ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }],
    },
  };
}

export function databaseStatefulSet(owner: Owner, spec: ResolvedSpec): k8s.V1StatefulSet {
  const labels = { [NAME_LABEL]: DATABASE_NAME };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(owner, DATABASE_NAME, labels),
    spec: {
      serviceName: DATABASE_NAME,
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'postgres',
              image: spec.databaseImage,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'POSTGRES_USER', value: DATABASE_USER },
                { name: 'POSTGRES_DB', value: DATABASE_DB },
                { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key: 'password' } } },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              ports: [{ name: 'postgres', containerPort: 5432 }],
              readinessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 2 },
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
            },
          ],
          // As the app's manifests: the data lives as long as the pod, and no upgrade restarts it.
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

export function appDeployment(owner: Owner, spec: ResolvedSpec, version: string): k8s.V1Deployment {
  const selector = { [NAME_LABEL]: owner.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(owner, owner.name, selector),
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector },
      // One new replica at a time, no old one taken away before its successor is ready.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...selector, [VERSION_LABEL]: version } },
        spec: {
          // The preStop delay plus the app's own drain must fit in here.
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'app',
              image: appImage(spec, version),
              imagePullPolicy: 'IfNotPresent',
              command: ['node', 'app/server.mjs'],
              env: [
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'PORT', value: String(APP_PORT) },
                { name: 'APP_VERSION', value: version },
                { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key: 'url' } } },
              ],
              ports: [{ name: 'http', containerPort: APP_PORT }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              // Endpoints controllers and kube-proxy need a moment to take a terminating pod out of rotation.
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            },
          ],
        },
      },
    },
  };
}

export function appService(owner: Owner, spec: ResolvedSpec): k8s.V1Service {
  const selector = { [NAME_LABEL]: owner.name };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(owner, owner.name, selector),
    spec: {
      type: spec.nodePort === null ? 'ClusterIP' : 'NodePort',
      selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http', ...(spec.nodePort === null ? {} : { nodePort: spec.nodePort }) }],
    },
  };
}

/** The migration Job of one phase and version; its pods are labelled N-migrate, so the app's Service never selects them. */
export function migrationJob(owner: Owner, spec: ResolvedSpec, phase: Phase, version: string): k8s.V1Job {
  const labels = { [NAME_LABEL]: `${owner.name}-migrate`, [MIGRATION_LABEL]: phase, [VERSION_LABEL]: version };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(owner, jobName(owner.name, phase, version), labels),
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: appImage(spec, version),
              imagePullPolicy: 'IfNotPresent',
              command: ['node', 'app/migrate.mjs', phase, version],
              env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key: 'url' } } }],
            },
          ],
        },
      },
    },
  };
}

/** The name of the SampleApp that controls `object`, when one does. */
export function controllingSampleApp(object: k8s.KubernetesObject): string | undefined {
  return object.metadata?.ownerReferences?.find((reference) => reference.kind === KIND && reference.apiVersion === API_VERSION && reference.controller)?.name;
}

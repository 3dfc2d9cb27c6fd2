// The scenario's `kubernetes:` section: how an application is packaged for Kubernetes (a Helm
// chart, plain manifests, or both) and which of the objects they create the harness moves and watches.
import * as z from 'zod';
import { valuesSchema } from './helm-values-schema.ts';
import { operatorInstallSchema, operatorSchema } from './kubernetes-operator-schema.ts';

const relativePath = z.string().min(1).meta({ description: 'Relative to the scenario file' });
const objectName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes object name: lower-case letters, digits and dashes')
  .max(52, 'at most 52 characters (blue-green and canary add a version suffix)');

export const chartSchema = z
  .strictObject({
    path: relativePath.meta({ description: 'The chart folder (holding Chart.yaml) or a packaged .tgz, relative to the scenario file' }),
    release: objectName.meta({ description: 'Helm release name' }),
    values: valuesSchema.default({}).meta({ description: 'Values for every version (per version: versions[].kubernetes.values)' }),
    methodValues: z
      .partialRecord(z.enum(['recreate', 'rolling', 'blue-green', 'canary', 'helm']), valuesSchema)
      .default({})
      .meta({ description: 'Values added for one method' }),
    postMigrateValues: valuesSchema
      .optional()
      .meta({ description: 'Values of the second `helm upgrade` that runs the post-deployment migration once every pod runs the new version (e.g. { migrations: { post: true } })' }),
  })
  .meta({ id: 'chart', description: 'The application as a Helm chart: the helm method installs and upgrades it; the other methods apply it as `helm template` renders it unless manifests are given' });

export const kubernetesScenarioSchema = z
  .strictObject({
    workload: z
      .strictObject({
        deployment: objectName.meta({ description: 'The Deployment the methods move between versions' }),
        service: objectName.meta({ description: 'The Service traffic goes through; its EndpointSlices feed the endpoints probe' }),
        versionLabel: z.string().min(1).default('app.kubernetes.io/version').meta({ description: "Pod label naming the version a pod runs" }),
        port: z.int().min(1).max(65535).default(80).meta({ description: "The Service's port published as the front door (a NodePort on kind and k3d)" }),
      })
      .meta({ description: 'Which of the objects the packaging creates the harness moves and watches' }),
    stateful: z
      .array(objectName)
      .default([])
      .meta({ description: 'StatefulSets (the database) whose pods no upgrade may restart or replace: unintended restarts' }),
    image: z.string().min(1).optional().meta({ description: 'The app image per version ({{version}}), loaded into kind and k3d clusters; {{image}} in manifests and values' }),
    images: z.array(z.string().min(1)).default([]).meta({ description: 'Further locally built images to load into kind and k3d clusters (the database)' }),
    loadImages: z
      .boolean()
      .default(true)
      .meta({ description: 'false: the images come from a registry the nodes pull from, and nothing is loaded into kind or k3d' }),
    manifests: relativePath
      .optional()
      .meta({ description: 'A YAML file or folder of YAML files: the objects of one version, with {{version}}, {{image}}, {{namespace}}; applied with server-side apply' }),
    migrations: z
      .strictObject({
        pre: relativePath.optional().meta({ description: 'A Job manifest run before any pod of the new version (expand)' }),
        post: relativePath.optional().meta({ description: 'A Job manifest run once every pod runs the new version (contract)' }),
      })
      .optional()
      .meta({ description: 'Manifest installs: the migrations as Jobs the harness runs (a chart runs its own as hooks)' }),
    chart: chartSchema.optional(),
    operator: operatorSchema.optional(),
  })
  .meta({ id: 'kubernetesPackaging', description: 'How the application runs on Kubernetes (platforms kind, k3d, kubernetes)' });

export const kubernetesVersionSchema = z
  .strictObject({
    values: valuesSchema.optional().meta({ description: "Helm values for this version, merged over chart.values" }),
    manifests: relativePath.optional().meta({ description: "This version's own manifests instead of kubernetes.manifests" }),
    resource: relativePath.optional().meta({ description: "Method operator: this version's own custom resource template instead of kubernetes.operator.resource" }),
    operator: operatorInstallSchema
      .optional()
      .meta({ description: 'Method operator: the operator this version needs, when it differs from kubernetes.operator.install; upgrading to this version upgrades the operator first' }),
  })
  .meta({ description: 'Kubernetes packaging of this version' });

export type KubernetesScenarioConfig = z.output<typeof kubernetesScenarioSchema>;

// The scenario's `kubernetes.operator:` section: an application an operator installs and upgrades.
// The harness installs the operator, creates the custom resource, changes the field that carries
// the version, and reads the resource's status for the operator's answer (done or refused).
import * as z from 'zod';
import { JSON_POINTER_PATTERN } from '../util/json-pointer.ts';
import { commandSpecSchema } from './command-spec-schema.ts';
import { valuesSchema } from './helm-values-schema.ts';

const relativePath = z.string().min(1).meta({ description: 'Relative to the scenario file' });

/** A pointer to one field (never the whole document, which "" would name). */
export const fieldPointer = z
  .string()
  .regex(JSON_POINTER_PATTERN, 'not a JSON pointer: write /spec/version (RFC 6901; ~1 for "/" and ~0 for "~" inside a key)')
  .min(1, 'a JSON pointer to one field, such as /spec/version ("" would name the whole resource)')
  .meta({ id: 'fieldPointer', description: 'A JSON pointer (RFC 6901) to a field of the custom resource, e.g. /spec/version' });

const conditionRule = z
  .strictObject({
    type: z.string().min(1).meta({ description: 'Condition type in status.conditions, e.g. Ready' }),
    status: z
      .enum(['True', 'False', 'Unknown'], { error: 'a condition status is "True", "False" or "Unknown", quoted (unquoted, YAML reads true as a boolean)' })
      .meta({ description: 'The status it must have' }),
    reason: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .meta({ description: 'The reason it must have (one of a list); absent: any reason' }),
  })
  .meta({ description: 'A status condition, as Kubernetes conventions write them' });

const fieldRule = z
  .strictObject({
    pointer: fieldPointer,
    value: z.string().meta({ description: 'The value it must have (compared as text); {{version}} is the version asked for' }),
  })
  .meta({ description: 'A field of the resource and the value it must have' });

/** Every part given must hold; a condition or field written for an older generation of the resource never counts. */
export const statusRuleSchema = z
  .strictObject({ condition: conditionRule.optional(), field: fieldRule.optional() })
  .refine((rule) => rule.condition !== undefined || rule.field !== undefined, { message: 'give a condition ({ type, status }), a field ({ pointer, value }), or both' })
  .meta({ id: 'statusRule', description: "When the operator's status says so: a condition, a field's value, or both" });

export const operatorInstallSchema = z
  .strictObject({
    crds: relativePath
      .optional()
      .meta({ description: "The operator's CustomResourceDefinitions (a YAML file or folder): applied once per run and cluster, removed when the run ends" }),
    manifests: relativePath
      .optional()
      .meta({ description: "The operator's namespaced objects (its Deployment, ServiceAccount, Role...), applied in the cell's namespace; {{namespace}}, {{upgradeStops}}" }),
    chart: z
      .strictObject({
        path: relativePath.meta({ description: "The operator's chart folder or packaged .tgz" }),
        release: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Helm release name: lower-case letters, digits and dashes').max(53),
        values: valuesSchema.default({}),
      })
      .optional()
      .meta({ description: 'The operator as a Helm chart, installed in the cell\'s namespace' }),
    process: commandSpecSchema
      .optional()
      .meta({
        description:
          'The operator as a process on this machine, against the cluster (KUBECONFIG set for it): what a cluster without your image, such as a bare control plane, runs. {{namespace}}, {{kubeconfig}}, {{upgradeStops}}, {{node}} (the Node that runs the harness)',
      }),
    readyLine: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'process only: a regular expression its output matches once it watches (otherwise it counts as ready once started)' }),
  })
  .refine((install) => install.manifests !== undefined || install.chart !== undefined || install.process !== undefined, {
    message: 'give how the operator runs: manifests or a chart (in the cluster), a process (on this machine), or both kinds',
  })
  .refine((install) => install.manifests === undefined || install.chart === undefined, { message: 'give manifests or a chart for the operator, not both' })
  .meta({ id: 'operatorInstall', description: 'How the operator itself is installed, before the first version of the application' });

export const operatorSchema = z
  .strictObject({
    install: operatorInstallSchema,
    resource: relativePath.meta({
      description: 'The custom resource (one YAML document), a template: {{version}}, {{replicas}}, {{namespace}}, {{nodePort}} (a null placeholder removes its field); per version: versions[].kubernetes.resource',
    }),
    versionField: fieldPointer.meta({ description: 'Where the resource carries the version, e.g. /spec/version: the upgrade changes it, a rollback changes it back' }),
    done: statusRuleSchema.meta({ description: 'The status that says the operator has finished the version asked for' }),
    refused: statusRuleSchema.optional().meta({ description: 'The status that says the operator refused the version (a skipped upgrade stop)' }),
    failed: statusRuleSchema.optional().meta({ description: 'The status that says the operator gave up (a failed migration): the upgrade fails at once instead of at timeoutMs' }),
    timeoutMs: z.int().min(1000).max(3_600_000).default(300_000).meta({ description: 'How long one version may take to be done or refused' }),
  })
  .meta({ id: 'operator', description: 'Method operator: an operator installs and upgrades the application through its custom resource' });

export type OperatorConfig = z.output<typeof operatorSchema>;
export type StatusRuleConfig = z.output<typeof statusRuleSchema>;

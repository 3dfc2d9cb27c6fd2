// The matrix file (matrices/*.yaml): its shape and defaults. Rules that need more than one
// value at a time live in matrix-rules.ts and hop-rules.ts.
import * as z from 'zod';
import { methodNames, platformNames, type GateThresholds } from './cell.ts';
import { knownName } from './known-names.ts';
import { durationMs, MAX_TIMER_MS } from './duration-schema.ts';
import { versionSchema } from './version-schema.ts';

const machineKindNames = ['container-host', 'qemu', 'ssh'] as const;

export const platformSchema = knownName('platform', platformNames).meta({ id: 'platform' });
export const methodSchema = knownName('method', methodNames).meta({ id: 'method' });

function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]);
}

export const whenSchema = z
  .strictObject({
    platform: oneOrMany(platformSchema).optional(),
    method: oneOrMany(methodSchema).optional(),
    from: oneOrMany(versionSchema).optional(),
    to: oneOrMany(versionSchema).optional(),
    machine: oneOrMany(z.enum(machineKindNames)).optional().meta({ description: 'Platform vm: the kind of machine' }),
  })
  .meta({ id: 'when', description: 'Matches cells whose every named key has the value (or one of the values) given' });

const trafficFields = {
  rate: z.number().positive().max(10_000).meta({ description: 'Requests per second, open loop' }),
  timeoutMs: durationMs(1),
  warmUpMs: durationMs(0),
  settleMs: durationMs(0),
};

const canaryFields = {
  steps: z.array(z.number().positive().max(100)).min(1).meta({ description: 'Percent of traffic on the new version at each step; ascending, ending at 100' }),
  stepMs: durationMs(0),
};

const gateFields = {
  failedRequests: z.int().min(0),
  longestOutageMs: z.number().min(0),
  availability: z.number().min(0).max(1),
  p99LatencyMs: z.number().positive(),
  lostWrites: z.int().min(0),
  unintendedRestarts: z.int().min(0),
} satisfies Record<keyof GateThresholds, z.ZodType>;

/** null removes a gate (including the defaults lostWrites: 0 and unintendedRestarts: 0). */
export const gatesSchema = z
  .strictObject({
    failedRequests: gateFields.failedRequests.nullable().optional(),
    longestOutageMs: gateFields.longestOutageMs.nullable().optional(),
    availability: gateFields.availability.nullable().optional(),
    p99LatencyMs: gateFields.p99LatencyMs.nullable().optional(),
    lostWrites: gateFields.lostWrites.nullable().optional(),
    unintendedRestarts: gateFields.unintendedRestarts.nullable().optional(),
  })
  .meta({ id: 'gates', description: 'Thresholds a cell must meet; lostWrites: 0 and unintendedRestarts: 0 apply unless set to null' });

const rateSchema = z.number().positive().max(10_000).meta({ description: 'Requests per second, open loop' });

/** Probes beside `http`; write-ledger is on by default when the scenario has a write endpoint (null turns it off). */
const probesSchema = z
  .strictObject({
    http: z.null().optional().meta({ description: 'null turns the http probe off (where no front door is reachable, e.g. kwok pods that serve nothing)' }),
    endpoints: z
      .strictObject({
        rate: rateSchema.default(20),
        minReady: z.int().min(1).default(1).meta({ description: 'Fewer ready endpoints than this is a failed sample' }),
      })
      .nullable()
      .optional()
      .meta({ description: "Kubernetes: the Service's ready endpoints, sampled from the EndpointSlice watch; on by default on kind, k3d and kubernetes" }),
    'http-new-connection': z.strictObject({ rate: rateSchema.default(20) }).nullable().optional(),
    'write-ledger': z.strictObject({ rate: rateSchema.default(10) }).nullable().optional(),
    browser: z.strictObject({ rate: rateSchema.default(0.5) }).nullable().optional(),
    k6: z.strictObject({ script: z.string().min(1).meta({ description: 'A k6 script, relative to this matrix file' }) }).nullable().optional(),
  })
  .meta({ id: 'probes', description: 'Probes beside http (keep-alive requests at traffic.rate)' });

const rollingSchema = z.strictObject({
  order: z.enum(['start-first', 'stop-first']).meta({ description: 'start-first adds a new replica before stopping an old one; stop-first never runs more than the replica count' }),
});

/**
 * Automatic rollback, in the manner of Argo Rollouts' analysis: every `intervalMs` the traffic of
 * the last `windowMs` is measured; `failureLimit` measurements in a row over a threshold, or an
 * upgrade not ready within `readyWithinMs`, send the cell back to `from` at once.
 */
export const autoRollbackSchema = z
  .strictObject({
    errorRate: z.number().gt(0).max(1).optional().meta({ description: 'Failed share of the window\'s requests above which a measurement fails, e.g. 0.05' }),
    p99LatencyMs: z.number().positive().max(MAX_TIMER_MS).optional().meta({ description: 'p99 latency of the window above which a measurement fails' }),
    readyWithinMs: durationMs(1).optional().meta({ description: 'The upgrade must be ready (every replica on the new version) within this long of its start' }),
    windowMs: durationMs(1).min(100).default(5000).meta({ description: 'The sliding window each measurement covers' }),
    intervalMs: durationMs(1).min(100).default(1000).meta({ description: 'How often a measurement is taken' }),
    failureLimit: z.int().min(1).max(100).default(2).meta({ description: 'Failed measurements in a row that trigger the rollback' }),
  })
  .refine((value) => value.errorRate !== undefined || value.p99LatencyMs !== undefined || value.readyWithinMs !== undefined, { message: 'give at least one trigger: errorRate, p99LatencyMs or readyWithinMs' })
  .meta({ id: 'autoRollback', description: 'Triggers judged during the upgrade that roll it back automatically (the cell then fails, with the trigger and how fast it recovered)' });

const replicasSchema = z.int().min(1).max(20);
const sloSchema = z.number().gt(0).lt(1).meta({ description: 'Availability objective; the error budget is (1 - slo) x requests' });

const overrideSchema = z.strictObject({
  when: whenSchema,
  gates: gatesSchema.optional(),
  traffic: z.strictObject(trafficFields).partial().optional(),
  canary: z.strictObject(canaryFields).partial().optional(),
  rolling: rollingSchema.partial().optional(),
  replicas: replicasSchema.optional(),
  rollback: z.boolean().optional(),
  autoRollback: autoRollbackSchema.nullable().optional(),
  slo: sloSchema.optional(),
  deadlineMs: durationMs(1).optional(),
});

const hopSchema = z.strictObject({
  from: versionSchema,
  to: versionSchema,
  expect: z
    .enum(['upgrade', 'refused'])
    .default('upgrade')
    .meta({ description: 'refused: a negative cell for a hop that skips a required stop; it passes only if the upgrade is refused and the old version keeps serving' }),
});

const roleCount = (max: number) => z.int().min(0).max(max);

const sshHostSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  role: z.enum(['app', 'database', 'balancer']),
  host: z.string().min(1).meta({ description: 'Where this machine reaches it over SSH' }),
  port: z.int().min(1).max(65535).default(22),
  user: z.string().min(1).default('root').meta({ description: 'A user that may run apt and systemctl (root, or sudo without a password)' }),
  key: z.string().min(1).meta({ description: 'Private key file, relative to this matrix file' }),
  address: z.string().min(1).optional().meta({ description: 'How the other machines of the fleet reach it; default host' }),
});

const vmSchema = z
  .strictObject({
    kinds: z
      .array(z.enum(machineKindNames))
      .min(1)
      .default(['container-host'])
      .meta({ description: 'Kinds of machine, an axis of the matrix (part of each cell id): container-host (systemd in a container), qemu (a VM with its own kernel), ssh (machines you give)' }),
    machines: z
      .strictObject({ app: roleCount(9).default(3), database: roleCount(1).default(1), balancer: roleCount(1).default(1) })
      .prefault({})
      .meta({ description: "package-rolling's fleet: app nodes, a PostgreSQL machine, an HAProxy machine; package-in-place uses one machine holding app and database" }),
    ssh: z
      .union([
        z.strictObject({ hosts: z.array(sshHostSchema).min(1) }),
        z.strictObject({ startHosts: z.literal(true).meta({ description: 'The harness starts container hosts running sshd and reaches them over SSH only: the ssh kind without machines of your own' }) }),
      ])
      .optional()
      .meta({ description: 'kind ssh: your machines (each named with its role), or startHosts: true' }),
    qemu: z.strictObject({ memoryMb: z.int().min(256).max(16384).default(1024) }).prefault({}),
  })
  .meta({ id: 'vm', description: 'Platform vm: machines, and the fleet a cell gets' });

/** Kubernetes versions are written like node images are tagged: 1.34.0 (a leading v is allowed). */
const kubernetesVersionSchema = z
  .string()
  .regex(/^v?\d+\.\d+\.\d+$/, 'write a Kubernetes version as 1.34.0')
  .transform((version) => version.replace(/^v/, ''));

const rolloutParameter = z.union([z.int().min(0), z.string().regex(/^\d+%$/, 'a number or a percentage such as 25%')]);

const kubernetesSchema = z
  .strictObject({
    cluster: z.enum(['per-cell', 'per-run']).default('per-cell').meta({ description: 'kind/k3d: a cluster per cell, or one per run with a namespace per cell' }),
    versions: z.array(kubernetesVersionSchema).min(1).optional().meta({ description: 'kind/k3d: node Kubernetes versions, an axis of the matrix (part of each cell id)' }),
    kubeconfig: z.string().min(1).optional().meta({ description: 'kubernetes (existing cluster): kubeconfig file, relative to this file; default KUBECONFIG, then ~/.kube/config' }),
    context: z.string().min(1).optional().meta({ description: 'kubernetes (existing cluster): context in the kubeconfig; default its current context' }),
    trafficUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({ description: "kubernetes (existing cluster): where the app's Service is reachable from this machine (needed by the HTTP probes)" }),
    maxSurge: rolloutParameter.default(1).meta({ description: 'rolling: Deployment RollingUpdate maxSurge' }),
    maxUnavailable: rolloutParameter.default(0).meta({ description: 'rolling: Deployment RollingUpdate maxUnavailable' }),
    rolloutTimeoutMs: z.int().positive().max(3_600_000).default(120_000).meta({ description: 'How long a rollout or Helm operation may take before the upgrade failed' }),
    operatorRunsAs: z
      .enum(['cluster', 'process'])
      .default('cluster')
      .meta({
        description:
          "method operator: cluster runs the operator in the cell's namespace (the scenario's install.manifests or install.chart); process runs install.process on this machine against the cluster (a control plane whose nodes run no images)",
      }),
  })
  .meta({ id: 'kubernetes', description: 'Platforms kind, k3d and kubernetes' });

export const matrixSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, dot, dash and underscore (it names report folders)').max(100, 'at most 100 characters'),
    scenario: z.string().min(1).meta({ description: 'A name under scenarios/ in the project, or a path to a scenario file relative to this file' }),
    platforms: z.array(platformSchema).min(1),
    hops: z.array(hopSchema).min(1).optional().meta({ description: 'Explicit hops; give either hops or path' }),
    path: z.array(versionSchema).min(2).optional().meta({ description: 'Versions in order, expanded into consecutive hops; give either hops or path' }),
    chained: z
      .boolean()
      .default(false)
      .meta({ description: "With path: one cell per platform and method walks the whole path in one environment under continuous traffic (a customer's upgrade path through its required stops), instead of a cell per hop" }),
    methods: z.array(methodSchema).min(1),
    replicas: replicasSchema.default(2),
    traffic: z
      .strictObject({
        rate: trafficFields.rate.default(200),
        timeoutMs: trafficFields.timeoutMs.default(2000),
        warmUpMs: trafficFields.warmUpMs.default(1500),
        settleMs: trafficFields.settleMs.default(1500),
      })
      .prefault({}),
    slo: sloSchema.default(0.999),
    rollback: z.boolean().default(false).meta({ description: 'After verification, return to the old version by the same method, under traffic' }),
    deadlineMs: durationMs(1).default(300_000).meta({ description: 'Whole-cell deadline' }),
    canary: z
      .strictObject({ steps: canaryFields.steps.default([10, 50, 100]), stepMs: canaryFields.stepMs.default(1000) })
      .prefault({}),
    rolling: z.strictObject({ order: rollingSchema.shape.order.default('start-first') }).prefault({}),
    probes: probesSchema.optional(),
    kubernetes: kubernetesSchema.prefault({}),
    vm: vmSchema.prefault({}),
    starvation: z
      .strictObject({
        pauseMs: z.number().positive().max(60_000).default(100).meta({ description: 'A pause of the sentinel or of the runner longer than this is starvation' }),
        sendLagMs: z.number().positive().max(60_000).default(100).meta({ description: 'A probe request sent later than this behind schedule is starvation' }),
        throttledShare: z.number().gt(0).max(1).default(0.2).meta({ description: "A 100 ms tick in which the run's CPU quota held it back for more than this share is starvation" }),
        marginMs: z.number().min(0).max(60_000).default(250).meta({ description: 'Requests this close to a starved window count as inside it' }),
      })
      .prefault({})
      .meta({ id: 'starvation', description: 'When the harness judges its own measurement starved: failures then are not blamed on the product' }),
    gates: gatesSchema.optional(),
    autoRollback: autoRollbackSchema.optional(),
    overrides: z.array(overrideSchema).default([]).meta({ description: 'Applied in order to the cells they match' }),
    exclude: z.array(whenSchema).default([]).meta({ description: 'Cells to drop' }),
  })
  .meta({ title: 'upgrade-harness matrix', description: 'A matrix of platform x hop x method cells' });

export type MatrixConfig = z.output<typeof matrixSchema>;
export type MatrixOverride = MatrixConfig['overrides'][number];
export type When = z.output<typeof whenSchema>;

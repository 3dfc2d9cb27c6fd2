// kwok's Stage objects: what a kubelet would do to a Pod or a Node, with delays, so the real
// controllers (Deployment, ReplicaSet, EndpointSlice, StatefulSet, Job) see a lifecycle that
// takes time instead of one that is instant or never happens.
//
// Semantics relied on (kwok v0.8.0, pkg/utils/lifecycle): a Stage applies to an object its
// selector matches (jq requirements, ANDed; a missing value counts as DoesNotExist); kwok
// waits `delay` and then runs `steps` in order. The wait is durationMilliseconds plus a uniform
// random part up to jitterDurationMilliseconds (jitter is the upper bound, not an addition).
// A patch step without a type is a strategic merge patch for Pods and Nodes, so `conditions`
// merge by `type` (the scheduler's PodScheduled survives) while `containerStatuses` are
// replaced. Every change to the object is re-matched, which is how one stage hands over to the
// next, and how a stage that still matches after its own patch (the heartbeat) repeats.

/** A delay of about `ms`, never earlier, up to `jitterMs` later: real starts are not in lockstep. */
function about(ms: number, jitterMs: number) {
  return { durationMilliseconds: ms, jitterDurationMilliseconds: ms + jitterMs };
}

/** Container start: sandbox and image are "already there", so only a short wait. */
const START_DELAY = about(100, 100);
/** Start to Ready: a readiness probe that passes on its first try. */
const READY_DELAY = about(1000, 200);
/** A Job's container runs about a second and exits 0. */
const COMPLETE_DELAY = about(1000, 200);
/** Deletion to exit: a short preStop hook plus SIGTERM handling, well inside any grace period. */
const TERMINATE_DELAY = about(1000, 200);
/** Node status heartbeat; liveness itself comes from kwok's node leases (renewed every 10 s). */
const HEARTBEAT_DELAY = about(30_000, 5_000);

type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

function stage(name: string, kind: 'Pod' | 'Node', selector: Requirement[], delay: object | undefined, steps: object[]) {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions: selector.map((jq) => ({ jq })) },
      weight: 1,
      ...(delay ? { delay } : {}),
      steps,
    },
  };
}

const notDeleting: Requirement = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const deleting: Requirement = { key: '.metadata.deletionTimestamp', operator: 'Exists' };
/** Label a test puts on a pod template to keep its pods from ever becoming Ready (a rig feature for tests only). */
export const NEVER_READY_LABEL = 'upgrade-harness.io/test-never-ready';
// NotIn also matches a pod without the label (kwok: a missing value matches NotIn).
const notNeverReady: Requirement = { key: `.metadata.labels["${NEVER_READY_LABEL}"]`, operator: 'NotIn', values: ['true'] };
const phase = (...values: string[]): Requirement => ({ key: '.status.phase', operator: 'In', values });

function statusPatch(template: string) {
  return { patch: { subresource: 'status', root: 'status', template } };
}

// Go templates rendered by kwok against the object; their output is YAML for the patch.
// `$.` is the object inside a range; `reason: null` deletes a reason an earlier stage set
// (a strategic merge patch keeps every field it does not mention). PodIPWith hands out the next free address of the node's
// spec.podCIDR (kwok's --cidr when the node has none): called once, as each call allocates.

const podStartTemplate = `{{ $now := Now }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
phase: Pending
startTime: {{ $now | Quote }}
conditions:
- { type: PodReadyToStartContainers, status: "True", lastTransitionTime: {{ $now | Quote }} }
- { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
- { type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }} }
- { type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }} }
{{ with .spec.initContainers }}
initContainerStatuses:
{{ range . }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  restartCount: 0
{{ if eq ( or .restartPolicy "" ) "Always" }}
  ready: true
  started: true
  state: { running: { startedAt: {{ $now | Quote }} } }
{{ else }}
  ready: true
  started: false
  state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }} } }
{{ end }}
{{ end }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  restartCount: 0
  started: false
  state: { waiting: { reason: ContainerCreating } }
{{ end }}
`;

const podReadyTemplate = `{{ $now := Now }}
phase: Running
conditions:
- { type: ContainersReady, status: "True", reason: null, lastTransitionTime: {{ $now | Quote }} }
- { type: Ready, status: "True", reason: null, lastTransitionTime: {{ $now | Quote }} }
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: true
  restartCount: 0
  started: true
  state: { running: { startedAt: {{ $now | Quote }} } }
{{ end }}
`;

/** The containers exited with `exitCode`; the pod is terminal (a kubelet does this on deletion too). */
function podExitedTemplate(exitCode: number, reason: string, podPhase: string): string {
  return `{{ $now := Now }}
phase: ${podPhase}
conditions:
- { type: ContainersReady, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now | Quote }} }
- { type: Ready, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now | Quote }} }
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  restartCount: 0
  started: false
  state: { terminated: { exitCode: ${exitCode}, reason: ${reason}, startedAt: {{ or $.status.startTime $now | Quote }}, finishedAt: {{ $now | Quote }} } }
{{ end }}
`;
}

const nodeConditionsTemplate = (transition: string) => `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ ${transition} | Quote }}
{{ end }}
`;

export function kwokStages(): object[] {
  return [
    // Nodes are created by the rig with capacity, addresses and nodeInfo but no conditions.
    stage('rig-node-ready', 'Node', [{ key: '.status.phase', operator: 'DoesNotExist' }], undefined, [
      statusPatch(`phase: Running\n${nodeConditionsTemplate('$now')}`),
    ]),
    stage('rig-node-heartbeat', 'Node', [phase('Running')], HEARTBEAT_DELAY, [
      statusPatch(nodeConditionsTemplate('( or .metadata.creationTimestamp $now )')),
    ]),

    // Scheduled pod: an IP, containers being created.
    stage('rig-pod-start', 'Pod', [notDeleting, { key: '.status.podIP', operator: 'DoesNotExist' }], START_DELAY, [statusPatch(podStartTemplate)]),
    // A pod labelled never-ready stays as the start stage left it (Pending, not Ready), like one
    // whose readiness probe never passes: for tests that need a release that cannot become ready.
    stage('rig-pod-ready', 'Pod', [notDeleting, phase('Pending'), { key: '.status.podIP', operator: 'Exists' }, notNeverReady], READY_DELAY, [statusPatch(podReadyTemplate)]),

    // Run-to-completion pods: those of Jobs, and bare Helm hook pods (Helm waits for Succeeded).
    stage('rig-job-pod-complete', 'Pod', [notDeleting, phase('Running'), { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] }], COMPLETE_DELAY, [
      statusPatch(podExitedTemplate(0, 'Completed', 'Succeeded')),
    ]),
    stage('rig-hook-pod-complete', 'Pod', [notDeleting, phase('Running'), { key: '.metadata.annotations["helm.sh/hook"]', operator: 'Exists' }, { key: '.metadata.ownerReferences', operator: 'DoesNotExist' }], COMPLETE_DELAY, [
      statusPatch(podExitedTemplate(0, 'Completed', 'Succeeded')),
    ]),

    // Deletion: the pod keeps running (EndpointSlices show it terminating) until its containers
    // exit, then it is terminal (gone from EndpointSlices), then the object is removed. Exit
    // code 143 is SIGTERM's, so a Job counts a deleted pod as failed, as it would for real.
    stage('rig-pod-terminate', 'Pod', [deleting, { key: '.status.phase', operator: 'NotIn', values: ['Succeeded', 'Failed'] }], TERMINATE_DELAY, [
      statusPatch(podExitedTemplate(143, 'Error', 'Failed')),
    ]),
    // A finalizer (the Job controller's job-tracking one) holds the pod until its owner lets go,
    // exactly as the API server would for a kubelet's final delete.
    stage('rig-pod-remove', 'Pod', [deleting, phase('Succeeded', 'Failed'), { key: '.metadata.finalizers', operator: 'DoesNotExist' }], undefined, [{ delete: true }]),
  ];
}

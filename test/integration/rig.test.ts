// The rig is real: the Deployment controller rolls pods that kwok starts, readies and
// terminates with delays, EndpointSlices follow (ready, then terminating), a Job completes,
// /version says what was built, and `stop` leaves no process and no folder behind.
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, BatchV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, VersionApi, type V1Pod } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { NEVER_READY_LABEL } from '../rig/kwok-stages.ts';
import { KUBERNETES_VERSION } from '../rig/versions.ts';
import { rigGate, useRig } from '../support/rig-gate.ts';

const gate = await rigGate('rig.test.ts');
const NS = 'default';
/** kwok-stages.ts READY_DELAY: at most 1.2 s from start to Ready; a little more for the watch. */
const READY_STAGE_MAX_MS = 2_000;

describe.skipIf(gate.skip)('rig: a real control plane with kwok nodes', () => {
  const rigHandle = useRig(gate, 'rig-test');
  let kc: KubeConfig;

  beforeAll(() => {
    kc = new KubeConfig();
    kc.loadFromFile(rigHandle.current.kubeconfig);
  });

  it('reports the Kubernetes version it was built as', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it('rolls a Deployment: pods Ready, EndpointSlice ready then terminating, new pods after the update', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const labels = { app: 'web' };
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'web' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'example.invalid/web:1', ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
    });

    const webPods = async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items;
    const endpoints = async () =>
      (await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=web' })).items.flatMap((slice) => slice.endpoints ?? []);

    await eventually('2 Ready pods with IPs', async () => {
      const pods = await webPods();
      return pods.length === 2 && pods.every((pod) => isReady(pod) && pod.status?.podIP);
    });
    await eventually('2 ready endpoints', async () => (await endpoints()).filter((e) => e.conditions?.ready).length === 2);

    await apps.patchNamespacedDeployment({
      name: 'web',
      namespace: NS,
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'example.invalid/web:2' }],
    });

    // Watch the slice through the rollout: an old pod must show as terminating (not ready,
    // still there) before it goes, as it would while a kubelet runs its preStop hook.
    let sawTerminating = false;
    await eventually('the rollout to complete', async () => {
      if ((await endpoints()).some((e) => e.conditions?.terminating && !e.conditions.ready)) sawTerminating = true;
      const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
      const s = deployment.status;
      const pods = await webPods();
      return (
        (s?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) &&
        s?.updatedReplicas === 2 &&
        s.readyReplicas === 2 &&
        s.replicas === 2 &&
        pods.length === 2 &&
        pods.every((pod) => isReady(pod) && pod.spec?.containers[0]?.image === 'example.invalid/web:2')
      );
    }, 60_000, 100);
    expect(sawTerminating).toBe(true);
    await eventually('2 ready endpoints of the new pods', async () => {
      const ips = new Set((await webPods()).map((pod) => pod.status?.podIP));
      const ready = (await endpoints()).filter((e) => e.conditions?.ready);
      return ready.length === 2 && ready.every((e) => e.addresses.every((a) => ips.has(a)));
    });
  });

  it('completes a Job', async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          backoffLimit: 0,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'example.invalid/migrate:1' }] } },
        },
      },
    });
    await eventually('the Job to be Complete', async () => {
      const job = await batch.readNamespacedJob({ name: 'migrate', namespace: NS });
      return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
    });
  });

  it('leaves a pod labelled never-ready unready, while its unlabelled twin becomes Ready', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pod = (name: string, labels: Record<string, string>): V1Pod => ({
      metadata: { name, labels },
      spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] },
    });
    await core.createNamespacedPod({ namespace: NS, body: pod('never', { [NEVER_READY_LABEL]: 'true' }) });
    await core.createNamespacedPod({ namespace: NS, body: pod('twin', {}) });
    await eventually('the twin to be Ready', async () => isReady(await core.readNamespacedPod({ name: 'twin', namespace: NS })));
    // Both were started together; past the ready stage's longest delay, the labelled one must
    // still be short of Ready although kwok started it (it has an IP).
    await sleep(READY_STAGE_MAX_MS);
    const never = await core.readNamespacedPod({ name: 'never', namespace: NS });
    expect(never.status?.podIP).toBeTruthy();
    expect(never.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('stops: no process of the rig left, its folder gone', async () => {
    const rig = rigHandle.current;
    const pids = await Promise.all((await readdir(join(rig.dir, 'pids'))).map(async (f) => Number(await readFile(join(rig.dir, 'pids', f), 'utf8'))));
    expect(pids).toHaveLength(5);
    await rig.stop();
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(await processesMentioning(rig.dir)).toEqual([]);
    await expect(stat(rig.dir)).rejects.toThrow();
    // Idempotent: a second stop of a folder that is gone is fine.
    await rig.stop();
  });
});

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A zombie (state Z) is gone for our purposes: it runs nothing and holds no port. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Every running process whose command line names the folder. */
async function processesMentioning(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) found.push(`${entry}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`);
  }
  return found;
}

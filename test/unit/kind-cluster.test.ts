import { existsSync } from 'node:fs';
import { readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InfrastructureError } from '../../harness/errors.ts';
import { perCellClusterName, perRunClusterName } from '../../harness/platforms/kubernetes/clusters/cluster-names.ts';
import { kindClusterProvider } from '../../harness/platforms/kubernetes/clusters/kind-cluster.ts';
import { SlotPool } from '../../harness/platforms/kubernetes/clusters/front-door-slots.ts';
import { ToolMissingError } from '../../harness/tools/run-tool.ts';
import { clusterRequest, hostPortOf, sharedScope, STUB_BIN, useStubs, type StubSetup } from '../support/stub-clusters.ts';

const RUN_ID = '20261201-193616-a1b2c3';
const readyWait = (kubeconfig: string, context: string) => [
  { tool: 'kubectl', argv: ['--kubeconfig', kubeconfig, '--context', context, 'wait', '--for=condition=Ready', 'nodes', '--all', expect.stringMatching(/^--timeout=\d+s$/)] },
  { tool: 'kubectl', argv: ['--kubeconfig', kubeconfig, '--context', context, '-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', expect.stringMatching(/^--timeout=\d+s$/)] },
];

let stubs: StubSetup;
let logDir: string;
beforeEach(async () => {
  stubs = await useStubs();
  logDir = join(stubs.dir, 'logs');
});
afterEach(async () => {
  await stubs[Symbol.asyncDispose]();
});

/** The kind config as the stub saw it when `kind create cluster` ran. */
function configOf(call: { config?: string } | undefined): { networking: { apiServerAddress: string }; nodes: Array<Record<string, unknown>> } {
  expect(call?.config).toBeDefined();
  return parse(call?.config ?? '') as never;
}

describe('kind clusters per cell', () => {
  it('creates, waits for, loads and deletes the cluster with the documented commands', async () => {
    const events: string[] = [];
    const name = perCellClusterName(RUN_ID, 'sample-app/1.0.0-to-1.1.0/rolling');
    const lease = await kindClusterProvider.acquire(clusterRequest({ logDir, kubernetesVersion: '1.34.0', images: ['upgrade-harness/app:1.0.0', 'upgrade-harness/app:1.1.0'] }, events));

    const calls = await stubs.calls();
    const create = calls[0];
    expect(create?.argv.slice(0, 4)).toEqual(['create', 'cluster', '--name', name]);
    const configFile = create?.argv[create.argv.indexOf('--config') + 1] ?? '';
    expect(create?.argv).toEqual(['create', 'cluster', '--name', name, '--config', configFile, '--wait', '5m', '--kubeconfig', lease.kubeconfig]);
    expect(calls.slice(1)).toEqual([...readyWait(lease.kubeconfig, `kind-${name}`), { tool: 'kind', argv: ['load', 'docker-image', 'upgrade-harness/app:1.0.0', 'upgrade-harness/app:1.1.0', '--name', name] }]);

    const config = configOf(create);
    expect(config).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', networking: { apiServerAddress: '127.0.0.1' } });
    expect(config.nodes).toEqual([
      {
        role: 'control-plane',
        image: 'kindest/node:v1.34.0',
        extraPortMappings: [{ containerPort: 30000, hostPort: hostPortOf(lease.frontDoor?.url ?? ''), listenAddress: '127.0.0.1', protocol: 'TCP' }],
      },
    ]);

    expect(lease.frontDoor).toEqual({ nodePort: 30000, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(lease.context).toBe(`kind-${name}`);
    expect(lease.description).toBe(`kind cluster ${name} (v1.34.0)`);
    expect(await readFile(lease.kubeconfig, 'utf8')).toContain('server: https://127.0.0.1:6443');
    expect(events).toEqual([expect.stringMatching(new RegExp(`^kind cluster ${name} created in \\d+ ms$`)), expect.stringMatching(new RegExp(`^loaded 2 images into kind cluster ${name} in \\d+ ms$`))]);
    expect(await readFile(join(logDir, `kind-${name}.log`), 'utf8')).toContain(`Creating cluster "${name}"`);

    await lease[Symbol.asyncDispose]();
    await lease[Symbol.asyncDispose]();
    const after = (await stubs.calls()).slice(calls.length);
    expect(after).toEqual([{ tool: 'kind', argv: ['delete', 'cluster', '--name', name, '--kubeconfig', lease.kubeconfig] }]);
    expect(existsSync(lease.kubeconfig)).toBe(false);
    expect(existsSync(configFile)).toBe(false);
  });

  it('leaves the node image to kind when no Kubernetes version is asked, and loads nothing without images', async () => {
    const lease = await kindClusterProvider.acquire(clusterRequest({ logDir }));
    const [create, ...rest] = await stubs.calls();
    expect(configOf(create).nodes[0]).not.toHaveProperty('image');
    expect(rest.map((call) => call.tool)).toEqual(['kubectl', 'kubectl']);
    expect(lease.description).toContain("the tool's default Kubernetes version");
    await lease[Symbol.asyncDispose]();
  });

  it('retries the readiness wait while CoreDNS does not exist yet', async () => {
    process.env.STUB_COREDNS_MISSING_TIMES = '2';
    const lease = await kindClusterProvider.acquire(clusterRequest({ logDir }));
    const rollouts = (await stubs.calls()).filter((call) => call.argv.includes('rollout'));
    expect(rollouts).toHaveLength(3);
    await lease[Symbol.asyncDispose]();
  });

  it('deletes what a failed create made and reports the stderr tail', async () => {
    process.env.STUB_FAIL = 'kind create cluster';
    const name = perCellClusterName(RUN_ID, 'sample-app/1.0.0-to-1.1.0/rolling');
    const error = await kindClusterProvider.acquire(clusterRequest({ logDir })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).code).toBe('CLUSTER_CREATE_FAILED');
    expect((error as Error).message).toContain('ERROR: stub failure of "kind create cluster" requested by STUB_FAIL');
    const calls = await stubs.calls();
    const kubeconfig = calls[0]?.argv[calls[0].argv.indexOf('--kubeconfig') + 1] ?? '';
    expect(calls.slice(1)).toEqual([{ tool: 'kind', argv: ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig] }]);
    expect((await readdir(tmpdir())).filter((entry) => entry.includes(name))).toEqual([]);
  });

  it('deletes a cluster that never got ready, or whose images did not load', async () => {
    for (const failing of ['kubectl wait', 'kind load docker-image']) {
      process.env.STUB_FAIL = failing;
      const before = (await stubs.calls()).length;
      const error = await kindClusterProvider.acquire(clusterRequest({ logDir, images: ['upgrade-harness/app:1.0.0'] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfrastructureError);
      expect((error as Error).message).toContain(`stub failure of "${failing}"`);
      expect((await stubs.calls()).slice(before).at(-1)?.argv.slice(0, 2)).toEqual(['delete', 'cluster']);
    }
  });

  it('fails with ToolMissingError naming kind when the binary does not exist', async () => {
    process.env.UPGRADE_HARNESS_KIND = '/nonexistent/kind-binary';
    const check = await kindClusterProvider.checkTools().catch((e: unknown) => e);
    expect(check).toBeInstanceOf(ToolMissingError);
    expect((check as Error).message).toMatch(/^kind \(UPGRADE_HARNESS_KIND=\/nonexistent\/kind-binary\) is not installed/);
    expect((check as ToolMissingError).hint).toContain('go install sigs.k8s.io/kind@');
    const acquire = await kindClusterProvider.acquire(clusterRequest({ logDir })).catch((e: unknown) => e);
    expect(acquire).toBeInstanceOf(ToolMissingError);
  });

  it('refuses a kind older than the minimum', async () => {
    // Another path than the stub's: versions are checked once per process and binary.
    const old = join(stubs.dir, 'old-kind');
    await symlink(join(STUB_BIN, 'kind'), old);
    process.env.UPGRADE_HARNESS_KIND = old;
    process.env.STUB_KIND_VERSION = '0.19.0';
    try {
      const error = await kindClusterProvider.checkTools().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfrastructureError);
      expect((error as InfrastructureError).code).toBe('KIND_TOO_OLD');
      expect((error as Error).message).toBe('kind 0.19.0 is older than 0.20.0');
    } finally {
      delete process.env.STUB_KIND_VERSION;
    }
  });
});

describe('kind clusters per run', () => {
  it('creates one cluster per Kubernetes version for the run, hands each slot to one cell at a time, and deletes it after the run', async () => {
    await using scope = sharedScope();
    const events: string[] = [];
    const ask = (cellId: string, images: string[], kubernetesVersion = '1.33.4') =>
      kindClusterProvider.acquire(clusterRequest({ logDir, cellId, scope: 'per-run', concurrency: 2, images, kubernetesVersion, shared: scope.shared }, events));

    const [first, second] = await Promise.all([ask('cell-1', ['app:1']), ask('cell-2', ['app:1', 'app:2'])]);
    const name = perRunClusterName(RUN_ID, '1.33.4');
    let calls = await stubs.calls();
    const creates = calls.filter((call) => call.argv[0] === 'create');
    expect(creates).toHaveLength(1);
    expect(creates[0]?.argv.slice(0, 4)).toEqual(['create', 'cluster', '--name', name]);
    const mappings = configOf(creates[0]).nodes[0]?.extraPortMappings as Array<{ containerPort: number; hostPort: number }>;
    expect(mappings.map((mapping) => mapping.containerPort)).toEqual([30000, 30001]);
    expect(new Set(mappings.map((mapping) => mapping.hostPort)).size).toBe(2);
    expect(configOf(creates[0]).nodes[0]?.image).toBe('kindest/node:v1.33.4');

    // Each image is loaded once, whichever cell asked first.
    const loads = calls.filter((call) => call.argv[0] === 'load').flatMap((call) => call.argv.slice(2, -2));
    expect(loads.sort()).toEqual(['app:1', 'app:2']);

    expect(first?.kubeconfig).toBe(second?.kubeconfig);
    expect(first?.description).toBe(`kind cluster ${name} (v1.33.4, shared by the run)`);
    const doors = [first?.frontDoor, second?.frontDoor];
    expect(new Set(doors.map((door) => door?.nodePort))).toEqual(new Set([30000, 30001]));
    expect(doors.map((door) => hostPortOf(door?.url ?? '')).sort()).toEqual(mappings.map((mapping) => mapping.hostPort).sort());

    // A third cell waits for a slot: both are held.
    let thirdSettled = false;
    const third = ask('cell-3', ['app:1']).then((lease) => {
      thirdSettled = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(thirdSettled).toBe(false);
    await first?.[Symbol.asyncDispose]();
    const thirdLease = await third;
    expect(thirdLease.frontDoor).toEqual(first?.frontDoor);

    // Another Kubernetes version: another cluster of the run.
    const other = await ask('cell-4', [], '1.34.0');
    expect(other.description).toContain(perRunClusterName(RUN_ID, '1.34.0'));

    await second?.[Symbol.asyncDispose]();
    await thirdLease[Symbol.asyncDispose]();
    await other[Symbol.asyncDispose]();
    calls = await stubs.calls();
    expect(calls.filter((call) => call.argv[0] === 'create')).toHaveLength(2);
    expect(calls.filter((call) => call.argv[0] === 'delete')).toEqual([]);

    await scope[Symbol.asyncDispose]();
    const deletes = (await stubs.calls()).filter((call) => call.argv[0] === 'delete');
    expect(deletes.map((call) => call.argv.slice(0, 4))).toEqual([
      ['delete', 'cluster', '--name', perRunClusterName(RUN_ID, '1.34.0')],
      ['delete', 'cluster', '--name', name],
    ]);
    expect(events.filter((event) => event.includes('created in'))).toHaveLength(2);
  });
});

describe('front-door slots', () => {
  it('never hands one slot to two holders, and serves waiters in order', async () => {
    const pool = new SlotPool([
      { nodePort: 30000, hostPort: 40000 },
      { nodePort: 30001, hostPort: 40001 },
    ]);
    const a = await pool.take();
    const b = await pool.take();
    expect(a).not.toBe(b);
    const order: number[] = [];
    const c = pool.take().then((slot) => (order.push(1), slot));
    const d = pool.take().then((slot) => (order.push(2), slot));
    pool.give(b);
    pool.give(a);
    expect([await c, await d]).toEqual([b, a]);
    expect(order).toEqual([1, 2]);
    expect(() => pool.give({ nodePort: 1, hostPort: 2 })).toThrow(/not one of this cluster's/);
  });

  it('drops a waiter whose signal aborts', async () => {
    const slot = { nodePort: 30000, hostPort: 40000 };
    const pool = new SlotPool([slot]);
    await pool.take();
    const controller = new AbortController();
    const waiting = pool.take(controller.signal);
    controller.abort(new Error('cell cancelled'));
    await expect(waiting).rejects.toThrow('cell cancelled');
    pool.give(slot);
    expect(await pool.take()).toBe(slot);
  });
});

describe('kind garbage collection', () => {
  it('deletes only the clusters of runs that are gone', async () => {
    const dead = perCellClusterName('20261130-101010-deadbe', 'cell');
    const deadShared = perRunClusterName('20261130-101010-deadbe', '1.34.0');
    const alive = perCellClusterName(RUN_ID, 'cell');
    process.env.STUB_CLUSTERS = [dead, alive, 'kind', 'uh-not-ours', deadShared].join(',');
    const removed = await kindClusterProvider.collectGarbage((runId) => runId === RUN_ID);
    expect(removed).toBe(2);
    const calls = await stubs.calls();
    expect(calls[0]?.argv).toEqual(['get', 'clusters']);
    expect(calls.slice(1).map((call) => call.argv.slice(0, 4))).toEqual([
      ['delete', 'cluster', '--name', dead],
      ['delete', 'cluster', '--name', deadShared],
    ]);
    // The tool edits a throwaway kubeconfig, never ~/.kube/config.
    for (const call of calls.slice(1)) expect(call.argv[5]).toMatch(new RegExp(`^${tmpdir()}/uh-cluster-gc-`));
  });

  it('finds nothing to collect without kind, and nothing when no cluster is there', async () => {
    expect(await kindClusterProvider.collectGarbage(() => false)).toBe(0);
    process.env.UPGRADE_HARNESS_KIND = '/nonexistent/kind-binary';
    expect(await kindClusterProvider.collectGarbage(() => false)).toBe(0);
  });
});

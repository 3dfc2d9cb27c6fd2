import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../harness/errors.ts';
import { perCellClusterName, perRunClusterName } from '../../harness/platforms/kubernetes/clusters/cluster-names.ts';
import { k3dClusterProvider, k3sImage } from '../../harness/platforms/kubernetes/clusters/k3d-cluster.ts';
import { ToolMissingError } from '../../harness/tools/run-tool.ts';
import { clusterRequest, hostPortOf, sharedScope, useStubs, type StubSetup } from '../support/stub-clusters.ts';

const RUN_ID = '20261201-193616-a1b2c3';

let stubs: StubSetup;
let logDir: string;
beforeEach(async () => {
  stubs = await useStubs();
  logDir = join(stubs.dir, 'logs');
});
afterEach(async () => {
  await stubs[Symbol.asyncDispose]();
});

describe('k3d clusters per cell', () => {
  it('creates, waits for, imports into and deletes the cluster with the documented commands', async () => {
    const events: string[] = [];
    const name = perCellClusterName(RUN_ID, 'sample-app/1.0.0-to-1.1.0/rolling');
    const lease = await k3dClusterProvider.acquire(clusterRequest({ logDir, kubernetesVersion: 'v1.31.5', images: ['upgrade-harness/app:1.0.0', 'upgrade-harness/app:1.1.0'] }, events));
    const hostPort = hostPortOf(lease.frontDoor?.url ?? '');
    const context = `k3d-${name}`;

    const calls = await stubs.calls();
    expect(calls).toEqual([
      {
        tool: 'k3d',
        argv: [
          'cluster',
          'create',
          name,
          '--image',
          'rancher/k3s:v1.31.5-k3s1',
          '--api-port',
          expect.stringMatching(/^127\.0\.0\.1:\d+$/),
          '-p',
          `127.0.0.1:${hostPort}:30000@server:0`,
          '--wait',
          '--timeout',
          '300s',
          '--kubeconfig-update-default=false',
          '--kubeconfig-switch-context=false',
        ],
        kubeconfigEnv: lease.kubeconfig,
      },
      { tool: 'k3d', argv: ['kubeconfig', 'write', name, '--output', lease.kubeconfig], kubeconfigEnv: lease.kubeconfig },
      { tool: 'kubectl', argv: ['--kubeconfig', lease.kubeconfig, '--context', context, 'wait', '--for=condition=Ready', 'nodes', '--all', expect.stringMatching(/^--timeout=\d+s$/)] },
      { tool: 'kubectl', argv: ['--kubeconfig', lease.kubeconfig, '--context', context, '-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', expect.stringMatching(/^--timeout=\d+s$/)] },
      { tool: 'k3d', argv: ['image', 'import', 'upgrade-harness/app:1.0.0', 'upgrade-harness/app:1.1.0', '-c', name], kubeconfigEnv: process.env.KUBECONFIG ?? null },
    ]);
    const apiPort = calls[0]?.argv[6]?.split(':')[1];
    expect(apiPort).not.toBe(String(hostPort));

    expect(lease.frontDoor).toEqual({ nodePort: 30000, url: `http://127.0.0.1:${hostPort}` });
    expect(lease.context).toBe(context);
    expect(lease.description).toBe(`k3d cluster ${name} (v1.31.5)`);
    expect(await readFile(lease.kubeconfig, 'utf8')).toContain(`current-context: ${context}`);
    expect(events).toEqual([expect.stringMatching(new RegExp(`^k3d cluster ${name} created in \\d+ ms$`)), expect.stringMatching(/^loaded 2 images into k3d cluster /)]);

    await lease[Symbol.asyncDispose]();
    expect((await stubs.calls()).slice(calls.length)).toEqual([{ tool: 'k3d', argv: ['cluster', 'delete', name], kubeconfigEnv: lease.kubeconfig }]);
    expect(existsSync(lease.kubeconfig)).toBe(false);
  });

  it('names the k3s image of a version as k3s tags it', () => {
    expect(k3sImage('1.31.5')).toBe('rancher/k3s:v1.31.5-k3s1');
    expect(k3sImage('1.28.3+k3s2')).toBe('rancher/k3s:v1.28.3-k3s2');
    expect(k3sImage('1.28.3-k3s2')).toBe('rancher/k3s:v1.28.3-k3s2');
  });

  it('leaves out --image without a Kubernetes version', async () => {
    const lease = await k3dClusterProvider.acquire(clusterRequest({ logDir }));
    const [create] = await stubs.calls();
    expect(create?.argv).not.toContain('--image');
    await lease[Symbol.asyncDispose]();
  });

  it('deletes what a failed create made and reports the stderr tail', async () => {
    process.env.STUB_FAIL = 'k3d cluster create';
    const name = perCellClusterName(RUN_ID, 'sample-app/1.0.0-to-1.1.0/rolling');
    const error = await k3dClusterProvider.acquire(clusterRequest({ logDir })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).code).toBe('CLUSTER_CREATE_FAILED');
    expect((error as Error).message).toContain('ERROR: stub failure of "k3d cluster create" requested by STUB_FAIL');
    const calls = await stubs.calls();
    expect(calls.map((call) => call.argv)).toEqual([calls[0]?.argv, ['cluster', 'delete', name]]);
  });

  it('deletes a cluster whose kubeconfig could not be written', async () => {
    process.env.STUB_FAIL = 'k3d kubeconfig write';
    const error = await k3dClusterProvider.acquire(clusterRequest({ logDir })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((await stubs.calls()).at(-1)?.argv.slice(0, 2)).toEqual(['cluster', 'delete']);
  });

  it('fails with ToolMissingError naming k3d when the binary does not exist', async () => {
    process.env.UPGRADE_HARNESS_K3D = '/nonexistent/k3d-binary';
    const error = await k3dClusterProvider.checkTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as Error).message).toMatch(/^k3d \(UPGRADE_HARNESS_K3D=\/nonexistent\/k3d-binary\) is not installed/);
    expect((error as ToolMissingError).hint).toContain('k3d-io/k3d');
  });

  it('fails with ToolMissingError naming kubectl when only kubectl is missing', async () => {
    process.env.UPGRADE_HARNESS_KUBECTL = '/nonexistent/kubectl-binary';
    const error = await k3dClusterProvider.checkTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as Error).message).toMatch(/^kubectl /);
  });
});

describe('k3d clusters per run', () => {
  it('creates the run cluster once with a port per slot and deletes it once after the run', async () => {
    const scope = sharedScope();
    const ask = (cellId: string) =>
      k3dClusterProvider.acquire(clusterRequest({ logDir, cellId, scope: 'per-run', concurrency: 3, images: ['app:1'], kubernetesVersion: '1.31.5', shared: scope.shared }));
    const leases = await Promise.all([ask('a'), ask('b'), ask('c')]);
    const name = perRunClusterName(RUN_ID, '1.31.5');
    const calls = await stubs.calls();
    const creates = calls.filter((call) => call.argv[1] === 'create');
    expect(creates).toHaveLength(1);
    const ports = creates[0]?.argv.filter((_, i, argv) => argv[i - 1] === '-p');
    const doors = leases.map((lease) => `127.0.0.1:${hostPortOf(lease.frontDoor?.url ?? '')}:${lease.frontDoor?.nodePort}@server:0`);
    expect(new Set(ports)).toEqual(new Set(doors));
    expect(new Set(leases.map((lease) => lease.frontDoor?.nodePort))).toEqual(new Set([30000, 30001, 30002]));
    expect(calls.filter((call) => call.argv[0] === 'image')).toEqual([{ tool: 'k3d', argv: ['image', 'import', 'app:1', '-c', name], kubeconfigEnv: process.env.KUBECONFIG ?? null }]);

    for (const lease of leases) await lease[Symbol.asyncDispose]();
    expect((await stubs.calls()).filter((call) => call.argv[1] === 'delete')).toEqual([]);
    await scope[Symbol.asyncDispose]();
    expect((await stubs.calls()).filter((call) => call.argv[1] === 'delete').map((call) => call.argv)).toEqual([['cluster', 'delete', name]]);
  });
});

describe('k3d garbage collection', () => {
  it('deletes only the clusters of runs that are gone', async () => {
    const dead = perRunClusterName('20261130-101010-deadbe');
    const alive = perRunClusterName(RUN_ID);
    process.env.STUB_CLUSTERS = ['k3s-default', dead, alive].join(',');
    expect(await k3dClusterProvider.collectGarbage((runId) => runId === RUN_ID)).toBe(1);
    const calls = await stubs.calls();
    expect(calls.map((call) => call.argv)).toEqual([
      ['cluster', 'list', '-o', 'json'],
      ['cluster', 'delete', dead],
    ]);
    expect(calls[1]?.kubeconfigEnv).toMatch(/uh-cluster-gc-/);
  });
});

import { join } from 'node:path';
import { provisionContext } from '../support/provision-context.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell } from '../../harness/matrix/cell.ts';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import { dockerode } from '../../harness/platforms/docker/docker-runtime.ts';
import type { DockerEnvironment } from '../../harness/platforms/docker/docker-environment.ts';
import { dockerPlatform } from '../../harness/platforms/docker/docker-platform.ts';
import type { Replica } from '../../harness/platforms/platform.ts';
import { containersOfRun, dockerGate, networksOfRun } from '../support/docker-daemon.ts';
import { projectRoot } from '../support/cli.ts';

const enabled = await dockerGate('docker environment tests');

describe.runIf(enabled)('docker environment: network, PostgreSQL, HAProxy, app containers', () => {
  const runId = `test-${process.pid}-${Date.now()}`;
  let env: DockerEnvironment;
  let logDir: string;
  const replicas: Replica[] = [];
  const start = async (version: string) => {
    const replica = await env.startReplica(version);
    replicas.push(replica);
    return replica;
  };

  beforeAll(async () => {
    const matrix = await loadMatrix(join(projectRoot, 'matrices/docker.yaml'));
    const cell: Cell = matrix.cells.find((c) => c.method === 'blue-green')!;
    logDir = await mkdtemp(join(tmpdir(), 'uh-docker-env-'));
    env = (await dockerPlatform.provision(cell, provisionContext(runId, logDir))) as DockerEnvironment;
    await env.migrate('1.0.0', 'pre');
    await env.migrate('1.1.0', 'pre');
  }, 120_000);

  afterAll(async () => {
    await env?.[Symbol.asyncDispose]();
    await rm(logDir, { recursive: true, force: true });
  });

  it('publishes every port on 127.0.0.1 only, and labels every container with run and cell', async () => {
    await start('1.0.0');
    const containers = await containersOfRun(runId);
    expect(containers.map((c) => c.role).sort()).toEqual(['database', 'front-door', 'replica']);
    const published = containers.flatMap((c) => c.ports).filter((port) => port.publicPort !== undefined);
    expect(published.length).toBeGreaterThanOrEqual(4);
    expect(new Set(published.map((port) => port.ip))).toEqual(new Set(['127.0.0.1']));
    expect(await networksOfRun(runId)).toHaveLength(1);
  });

  it('switches the whole pool at once: no request fails, and none after the switch reaches the old pool', async () => {
    const blue = [replicas[0]!, await start('1.0.0')];
    await env.frontDoor.setPool(blue.map((replica) => ({ replica, weight: 1 })));
    expect(await versionsOf(env.trafficUrl, 10)).toEqual(new Set(['1.0.0']));
    const green = [await start('1.1.0'), await start('1.1.0')];
    const traffic = keepRequesting(env.trafficUrl);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await env.frontDoor.setPool(green.map((replica) => ({ replica, weight: 1 })));
    const switchedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const samples = await traffic.stop();
    expect(samples.filter((s) => !s.ok)).toEqual([]);
    expect(samples.filter((s) => s.sentAt > switchedAt).map((s) => s.version)).not.toContain('1.0.0');
    expect(samples.filter((s) => s.sentAt < switchedAt).length).toBeGreaterThan(0);
    expect(env.frontDoor.members().map((m) => m.replica.id)).toEqual(green.map((r) => r.id));
  });

  it('weights split traffic, drain takes a member out of new requests, remove frees it', async () => {
    const [old] = replicas;
    const green = env.frontDoor.members().map((m) => m.replica);
    await env.frontDoor.setPool([{ replica: old!, weight: 1 }, ...green.map((replica) => ({ replica, weight: 3 }))]);
    const versions = await versionList(env.trafficUrl, 140);
    const onOld = versions.filter((v) => v === '1.0.0').length;
    // 1 of 7 by weight: HAProxy's weighted round robin is exact over whole cycles.
    expect(onOld).toBeGreaterThanOrEqual(15);
    expect(onOld).toBeLessThanOrEqual(25);
    await env.frontDoor.drain(old!.id);
    expect(await versionsOf(env.trafficUrl, 30)).toEqual(new Set(['1.1.0']));
    expect(env.frontDoor.members().find((m) => m.replica.id === old!.id)?.weight).toBe(0);
    await env.frontDoor.remove(old!.id);
    expect(env.frontDoor.members().map((m) => m.replica.id)).not.toContain(old!.id);
    await env.frontDoor.upsert({ replica: old!, weight: 1 });
    expect(await versionsOf(env.trafficUrl, 30)).toEqual(new Set(['1.0.0', '1.1.0']));
  });

  it('reports a new identity for the database once its container restarts', async () => {
    const before = await env.components();
    const database = (await containersOfRun(runId)).find((c) => c.role === 'database')!;
    await (await dockerode()).getContainer(database.id).restart({ t: 1 });
    const after = await env.components();
    expect(after.find((c) => c.name === 'database')!.identity).not.toBe(before.find((c) => c.name === 'database')!.identity);
    expect(after.find((c) => c.name === 'front door')!.identity).toBe(before.find((c) => c.name === 'front door')!.identity);
  });

  it('leaves no container or network of the run after teardown', async () => {
    await env[Symbol.asyncDispose]();
    expect(await containersOfRun(runId)).toEqual([]);
    expect(await networksOfRun(runId)).toEqual([]);
  });
});

async function version(url: string): Promise<string> {
  const response = await fetch(`${url}/version`, { signal: AbortSignal.timeout(5000) });
  await response.body?.cancel();
  return response.status === 200 ? (response.headers.get('x-app-version') ?? 'none') : `status ${response.status}`;
}

async function versionList(url: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) seen.push(await version(url));
  return seen;
}

const versionsOf = async (url: string, count: number) => new Set(await versionList(url, count));

/** Two sequential request loops until stopped; every answer with its send time. */
function keepRequesting(url: string) {
  const samples: { sentAt: number; ok: boolean; version: string }[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const sentAt = performance.now();
      const answer = await version(url).catch((error: Error) => `error ${error.message}`);
      samples.push({ sentAt, ok: /^\d/.test(answer), version: answer });
    }
  };
  const loops = [loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

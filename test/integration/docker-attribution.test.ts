import http from 'node:http';
import { provisionContext } from '../support/provision-context.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMatrix } from '../../harness/matrix/load-matrix.ts';
import type { DockerEnvironment } from '../../harness/platforms/docker/docker-environment.ts';
import { dockerPlatform } from '../../harness/platforms/docker/docker-platform.ts';
import { VERSION_MAP_PATH } from '../../harness/platforms/docker/haproxy-config.ts';
import { projectRoot } from '../support/cli.ts';
import { dockerGate } from '../support/docker-daemon.ts';

const enabled = await dockerGate('docker attribution tests');

// The sample-app images with slow reads (150 ms) and an abrupt shutdown: a stopped replica drops
// the requests it holds, and HAProxy answers them itself.
describe.runIf(enabled)('HAProxy names the version of the replica, and what went wrong, on the errors it answers itself', () => {
  const runId = `test-${process.pid}-${Date.now()}`;
  let env: DockerEnvironment;
  let logDir: string;

  beforeAll(async () => {
    const matrix = await loadMatrix(join(projectRoot, 'test/fixtures/e2e/docker-abrupt-shutdown.yaml'));
    logDir = await mkdtemp(join(tmpdir(), 'uh-docker-attribution-'));
    env = (await dockerPlatform.provision(matrix.cells[0]!, provisionContext(runId, logDir))) as DockerEnvironment;
    await env.migrate('1.0.0', 'pre');
    await env.migrate('1.1.0', 'pre');
  }, 120_000);

  afterAll(async () => {
    await env?.[Symbol.asyncDispose]();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  const versionMap = async () => (await env.haproxy.api.send(`show map ${VERSION_MAP_PATH}`)).trim().split('\n').filter(Boolean).map((line) => line.split(' ').slice(1).join(' '));

  it('adds no version to a 503 when no server was chosen, nor to the app\'s own answers', async () => {
    const empty = await get(env.trafficUrl);
    expect(empty.status).toBe(503);
    expect(empty.upstreamVersion).toBeUndefined();
    expect(empty.upstreamError).toBe('no-member');
    const replica = await env.startReplica('1.0.0');
    await env.frontDoor.upsert({ replica, weight: 1 });
    expect(await versionMap()).toEqual([`${env.frontDoor.activeBackend}/s1 1.0.0`]);
    const answered = await get(env.trafficUrl);
    expect(answered).toMatchObject({ status: 200, appVersion: '1.0.0', upstreamVersion: undefined, upstreamError: undefined });
  });

  it('keys the map by backend and slot, filled with each replica and cleared when its slot is freed', async () => {
    const [old] = env.frontDoor.members().map((member) => member.replica);
    const fresh = await env.startReplica('1.1.0');
    const before = env.frontDoor.activeBackend;
    await env.frontDoor.setPool([{ replica: fresh, weight: 1 }]);
    expect(env.frontDoor.activeBackend).not.toBe(before);
    expect(await versionMap()).toEqual([`${env.frontDoor.activeBackend}/s1 1.1.0`]);
    await env.frontDoor.setPool([{ replica: old!, weight: 1 }]);
    expect(await versionMap()).toEqual([`${before}/s1 1.0.0`]);
    await fresh.stop();
  });

  it('a request dropped by a stopping replica comes back as a 502 naming that replica\'s version', async () => {
    const [replica] = env.frontDoor.members().map((member) => member.replica);
    // Fresh connections: when a request that was not the first on its client connection fails,
    // HAProxy closes that connection without answering (the client is expected to retry).
    const traffic = keepRequesting(env.trafficUrl, 6);
    await traffic.answered(10);
    await replica!.stop();
    const answers = await traffic.stop();
    const failed = answers.filter((answer) => answer.status !== 200);
    expect(failed.filter((answer) => answer.status === 502).length, JSON.stringify(failed)).toBeGreaterThan(0);
    for (const answer of failed) {
      expect([502, 503]).toContain(answer.status);
      if (answer.status === 502) expect(answer).toMatchObject({ upstreamVersion: '1.0.0', upstreamError: 'reset' });
      // 503: the connection to the stopped replica failed (version named), or the pool was empty.
      if (answer.status === 503) expect(answer.upstreamError).toBe(answer.upstreamVersion ? 'refused' : 'no-member');
      expect([undefined, '1.0.0']).toContain(answer.upstreamVersion);
      expect(answer.appVersion).toBeUndefined();
    }
    await env.frontDoor.remove(replica!.id);
    expect(await versionMap()).toEqual([]);
  });
});

interface Answer {
  status: number;
  appVersion?: string;
  upstreamVersion?: string;
  upstreamError?: string;
}

/** GET /items on a fresh connection; status 0 when no answer came. */
function get(url: string): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/items`, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          appVersion: header(res.headers['x-app-version']),
          upstreamVersion: header(res.headers['x-upstream-version']),
          upstreamError: header(res.headers['x-upstream-error']),
        }),
      );
      res.on('error', () => resolve({ status: 0 }));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve({ status: 0 }));
  });
}

const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** `loops` sequential request loops until stopped, so some request is always in flight. */
function keepRequesting(url: string, loops: number) {
  const answers: Answer[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      answers.push(await get(url));
      for (const waiter of waiters.filter((w) => answers.length >= w.count)) waiter.resolve();
    }
  };
  const all = Array.from({ length: loops }, loop);
  return {
    answered: (count: number) => new Promise<void>((resolve) => (answers.length >= count ? resolve() : waiters.push({ count, resolve }))),
    async stop() {
      running = false;
      await Promise.all(all);
      return answers;
    },
  };
}

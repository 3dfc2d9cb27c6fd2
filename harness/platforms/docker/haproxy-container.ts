import { join } from 'node:path';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { InfrastructureError } from '../../errors.ts';
import { logTail } from '../../util/log-tail.ts';
import { waitFor } from '../../util/wait-for.ts';
import { containerIdentity, logTo, startedOnly } from './container-support.ts';
import { HAPROXY_CONFIG_PATH, haproxyConfig, initialPoolMap, initialVersionMap, POOL_MAP_PATH, RUNTIME_API_PORT, TRAFFIC_PORT, VERSION_MAP_PATH, type HaproxyConfigOptions } from './haproxy-config.ts';
import { HaproxyRuntimeApi } from './haproxy-runtime-api.ts';
import { HAPROXY_IMAGE } from './image-names.ts';
import { LOOPBACK, LoopbackContainer } from './loopback-container.ts';

export interface StartedHaproxy extends AsyncDisposable {
  /** http://127.0.0.1:PORT: the traffic port, published on loopback. */
  readonly url: string;
  readonly api: HaproxyRuntimeApi;
  readonly container: StartedTestContainer;
  identity(): Promise<string>;
}

/** HAProxy on the cell network, its traffic port and runtime API published on 127.0.0.1. */
export async function startHaproxy(options: {
  network: StartedNetwork;
  labels: Record<string, string>;
  logDir: string;
  config: HaproxyConfigOptions;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<StartedHaproxy> {
  const logFile = join(options.logDir, 'haproxy.log');
  const container = await new LoopbackContainer(HAPROXY_IMAGE)
    .withNetwork(options.network)
    .withNetworkAliases('front-door')
    .withCopyContentToContainer([
      { content: haproxyConfig(options.config), target: HAPROXY_CONFIG_PATH },
      { content: initialPoolMap(), target: POOL_MAP_PATH },
      { content: initialVersionMap(), target: VERSION_MAP_PATH },
    ])
    .withExposedPorts(TRAFFIC_PORT, RUNTIME_API_PORT)
    .withLabels(options.labels)
    .withLogConsumer(logTo(logFile))
    .withWaitStrategy(startedOnly())
    .start();
  const api = new HaproxyRuntimeApi(LOOPBACK, container.getMappedPort(RUNTIME_API_PORT));
  const stop = async () => {
    await container.stop({ timeout: 2000, removeVolumes: true });
  };
  try {
    // docker-proxy accepts a connection before HAProxy listens; only a real answer counts.
    await waitFor(async () => (await api.send('show info')).includes('Name: HAProxy'), {
      what: `HAProxy in container ${container.getId().slice(0, 12)} to answer on its runtime API`,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      logTail: () => logTail(logFile),
    });
  } catch (cause) {
    await stop();
    if (options.signal.aborted) throw cause;
    throw new InfrastructureError(`HAProxy did not start: ${cause instanceof Error ? cause.message : String(cause)}`, { code: 'FRONT_DOOR_START', hint: `see ${logFile}`, cause });
  }
  return {
    url: `http://${LOOPBACK}:${container.getMappedPort(TRAFFIC_PORT)}`,
    api,
    container,
    identity: () => containerIdentity(container.getId()),
    [Symbol.asyncDispose]: stop,
  };
}

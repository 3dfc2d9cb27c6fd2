import { join } from 'node:path';
import type { StartedNetwork } from 'testcontainers';
import { UpgradeFailedError } from '../../errors.ts';
import type { DockerRunSpec } from '../../matrix/cell.ts';
import { awaitReady } from '../await-ready.ts';
import type { Replica } from '../platform.ts';
import { containerExit, logTo, startedOnly } from './container-support.ts';
import type { NetworkAddressed } from './haproxy-front-door.ts';
import { LOOPBACK, LoopbackContainer } from './loopback-container.ts';

export interface AppReplicaOptions {
  id: string;
  version: string;
  /** Placeholders already filled. */
  spec: DockerRunSpec;
  /** Host folders bind-mounted read-write (the cell's data folder). */
  mounts: { source: string; target: string }[];
  network: StartedNetwork;
  labels: Record<string, string>;
  logDir: string;
  readyPath: string;
  startTimeoutMs: number;
  stopGraceMs: number;
  signal: AbortSignal;
}

export type DockerReplica = Replica & NetworkAddressed & { readonly containerId: string };

/**
 * One app replica as a container on the cell network. Its url is the port published on
 * 127.0.0.1 (for verification from the host); HAProxy reaches it at its network address.
 * Ready when its readiness endpoint answers 200.
 */
export async function startAppReplica(options: AppReplicaOptions): Promise<DockerReplica> {
  const logFile = join(options.logDir, `replica-${options.id}.log`);
  let builder = new LoopbackContainer(options.spec.image)
    .withNetwork(options.network)
    .withNetworkAliases(`replica-${options.id}`)
    .withEnvironment(options.spec.env)
    .withExposedPorts(options.spec.port)
    .withBindMounts(options.mounts.map((mount) => ({ ...mount, mode: 'rw' as const })))
    .withLabels(options.labels)
    .withLogConsumer(logTo(logFile))
    .withWaitStrategy(startedOnly());
  if (options.spec.command.length > 0) builder = builder.withCommand(options.spec.command);
  let container;
  try {
    container = await builder.start();
  } catch (cause) {
    throw new UpgradeFailedError(`replica ${options.id} (${options.version}): container from ${options.spec.image} did not start: ${cause instanceof Error ? cause.message : String(cause)}`, {
      code: 'REPLICA_START',
      hint: 'build the images first: upgrade-harness images build',
      cause,
    });
  }
  let stopping = false;
  let exited = false;
  void containerExit(container.getId()).then(() => {
    exited = true;
  });
  const url = `http://${LOOPBACK}:${container.getMappedPort(options.spec.port)}`;
  let stopped: Promise<void> | undefined;
  const replica: DockerReplica = {
    id: options.id,
    version: options.version,
    url,
    logFile,
    containerId: container.getId(),
    networkAddress: { ip: container.getIpAddress(options.network.getName()), port: options.spec.port },
    get exitedUnexpectedly() {
      return exited && !stopping;
    },
    get running() {
      return !exited;
    },
    stop() {
      stopping = true;
      // docker stop: the image's stop signal (SIGTERM), the grace period, then SIGKILL; then removal.
      stopped ??= container.stop({ timeout: options.stopGraceMs, removeVolumes: true }).then(() => undefined);
      return stopped;
    },
  };
  await awaitReady(replica, { readyPath: options.readyPath, startTimeoutMs: options.startTimeoutMs, signal: options.signal, logFile });
  return replica;
}

import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StartedNetwork } from 'testcontainers';
import { InfrastructureError } from '../../errors.ts';
import { installReplicaPool } from '../../methods/pool-installation.ts';
import type { MethodContext } from '../../methods/upgrade-method.ts';
import type { Cell, CommandSpec, DockerRunSpec } from '../../matrix/cell.ts';
import { createRunWorkDir } from '../../runner/run-work-dir.ts';
import { copyState } from '../state-copy.ts';
import { fillPlaceholders } from '../../matrix/placeholders.ts';
import type { ComponentIdentity, Installation, MigrationKind, ReplicaPoolEnvironment, ProvisionContext, Replica } from '../platform.ts';
import { describeDatabase, maskUrl, writePasswordFile } from '../database-secret.ts';
import { startAppReplica, type DockerReplica } from './app-replica.ts';
import { startCellNetwork } from './cell-network.ts';
import { dockerClient } from './docker-runtime.ts';
import { dockerLabels } from './docker-labels.ts';
import { startHaproxy, type StartedHaproxy } from './haproxy-container.ts';
import { TRAFFIC_PORT } from './haproxy-config.ts';
import { HaproxyFrontDoor } from './haproxy-front-door.ts';
import { startPostgres, type StartedPostgres } from './postgres-container.ts';
import { runMigrationContainer, runSetupContainer } from './run-migration-container.ts';

const MIGRATION_TIMEOUT_MS = 120_000;
const INFRA_START_TIMEOUT_MS = 60_000;

/** Where the cell's data folder ({{dataDir}}) is mounted in every container of the app. */
export const DATA_MOUNT = '/var/lib/upgrade-harness/data';

/** Slots per HAProxy backend: blue-green and canary run twice the replicas at once, rolling one more. */
export const slotsFor = (replicas: number): number => Math.max(8, replicas * 2 + 2);

/**
 * A private network, PostgreSQL (unless `database: none`), HAProxy and a data folder on the host
 * for one cell; replicas are started by the method.
 */
export async function provisionDockerEnvironment(cell: Cell, context: ProvisionContext): Promise<DockerEnvironment> {
  await dockerClient();
  // Whatever was started is stopped again if a later part fails; on success the environment owns it.
  await using started = new AsyncDisposableStack();
  const labels = (role: string) => dockerLabels(context.runId, cell.id, role);
  try {
    const workDir = started.use(await createRunWorkDir(context.runId, 'docker-cell'));
    const dataDir = join(workDir.path, 'data');
    await mkdir(dataDir);
    // The app's image may run as any user: it must be able to write its own state.
    await chmod(dataDir, 0o777);
    const network = await startCellNetwork(labels('network'));
    started.defer(async () => void (await network.stop()));
    context.event(`network ${network.getName()} created`);
    // Both start at once; each one that started is owned by the stack even when the other failed.
    const [databaseStart, haproxyStart] = await Promise.allSettled([
      cell.scenario.database === 'none'
        ? null
        : startPostgres({ network, labels: labels('database'), logDir: context.logDir, image: cell.scenario.databaseImage, timeoutMs: INFRA_START_TIMEOUT_MS, signal: context.signal }),
      startHaproxy({
        network,
        labels: labels('front-door'),
        logDir: context.logDir,
        config: { slots: slotsFor(cell.replicas), readyPath: cell.scenario.endpoints.ready },
        timeoutMs: INFRA_START_TIMEOUT_MS,
        signal: context.signal,
      }),
    ]);
    for (const start of [databaseStart, haproxyStart]) if (start.status === 'fulfilled' && start.value) started.use(start.value);
    if (databaseStart.status === 'rejected') throw databaseStart.reason;
    if (haproxyStart.status === 'rejected') throw haproxyStart.reason;
    const database = databaseStart.value;
    const haproxy = haproxyStart.value;
    let passwordFile: string | null = null;
    if (database) {
      context.event(`PostgreSQL ready (container ${database.container.getId().slice(0, 12)}, in-network ${maskUrl(database.networkUrl)})`);
      passwordFile = await writePasswordFile(context.logDir, database.hostUrl);
    }
    context.event(`HAProxy listening at ${haproxy.url} (container ${haproxy.container.getId().slice(0, 12)})`);
    return new DockerEnvironment(cell, context, { network, database, haproxy, resources: started.move(), passwordFile, workDir: workDir.path, dataDir });
  } catch (cause) {
    if (cause instanceof InfrastructureError || context.signal.aborted) throw cause;
    throw new InfrastructureError(`docker environment could not be provisioned: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

interface DockerParts {
  network: StartedNetwork;
  database: StartedPostgres | null;
  haproxy: StartedHaproxy;
  resources: AsyncDisposableStack;
  passwordFile: string | null;
  workDir: string;
  /** On the host; mounted at DATA_MOUNT in the app's containers. */
  dataDir: string;
}

export class DockerEnvironment implements ReplicaPoolEnvironment {
  readonly trafficUrl: string;
  readonly frontDoor: HaproxyFrontDoor;
  readonly network: StartedNetwork;
  readonly database: StartedPostgres | null;
  readonly haproxy: StartedHaproxy;
  private readonly replicas: DockerReplica[] = [];
  private replicaCount = 0;
  private readonly cell: Cell;
  private readonly context: ProvisionContext;
  private readonly parts: DockerParts;

  constructor(cell: Cell, context: ProvisionContext, parts: DockerParts) {
    this.cell = cell;
    this.context = context;
    this.parts = parts;
    this.network = parts.network;
    this.database = parts.database;
    this.haproxy = parts.haproxy;
    this.frontDoor = new HaproxyFrontDoor(parts.haproxy.api, slotsFor(cell.replicas));
    this.trafficUrl = parts.haproxy.url;
  }

  private runSpec(version: string): DockerRunSpec {
    const found = this.cell.scenario.versions.find((v) => v.version === version);
    if (!found) throw new InfrastructureError(`version ${version} is not in scenario ${this.cell.scenario.name}`);
    if (!found.run.docker) {
      throw new InfrastructureError(`scenario ${this.cell.scenario.name} says nothing about running ${version} on the docker platform`, {
        hint: `add run.docker (image, port, env) to version ${version} or to defaults in ${this.cell.scenario.file}`,
      });
    }
    return found.run.docker;
  }

  private fill(text: string, spec: DockerRunSpec, replica: string, extra: Record<string, string> = {}): string {
    return fillPlaceholders(text, {
      port: String(spec.port),
      host: '0.0.0.0',
      dataDir: DATA_MOUNT,
      replica,
      ...(this.database ? { databaseUrl: this.database.networkUrl } : {}),
      ...extra,
    });
  }

  private get mounts() {
    return [{ source: this.parts.dataDir, target: DATA_MOUNT }];
  }

  install(version: string, context: MethodContext): Promise<Installation> {
    return installReplicaPool(this, version, context);
  }

  async migrate(version: string, kind: MigrationKind): Promise<void> {
    const entry = this.cell.scenario.versions.find((v) => v.version === version);
    const spec = kind === 'pre' ? entry?.preMigrate : kind === 'post' ? entry?.postMigrate : entry?.rollback && 'down' in entry.rollback ? entry.rollback.down : undefined;
    if (!spec || spec.command.length === 0) return;
    const run = this.runSpec(version);
    // The scenario's migration command, in the version's own image (its working folder, not the host's cwd).
    await runMigrationContainer({
      version,
      kind,
      ...this.oneOff(run, spec, 'migration'),
    });
  }

  /** The setup step in a one-off container of the first version's image, on the cell network. */
  runSetup(spec: CommandSpec): Promise<string> {
    const run = this.runSpec(this.cell.from);
    return runSetupContainer(this.oneOff(run, spec, 'setup', { url: `http://front-door:${TRAFFIC_PORT}` }));
  }

  private oneOff(run: DockerRunSpec, spec: CommandSpec, role: string, extra: Record<string, string> = {}) {
    return {
      image: run.image,
      command: spec.command.map((part) => this.fill(part, run, role, extra)),
      env: Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, this.fill(value, run, role, extra)])),
      mounts: this.mounts,
      networkName: this.network.getName(),
      labels: dockerLabels(this.context.runId, this.cell.id, role),
      logDir: this.context.logDir,
      timeoutMs: MIGRATION_TIMEOUT_MS,
      signal: this.context.signal,
    };
  }

  async snapshotState(): Promise<string> {
    await copyState(this.parts.dataDir, join(this.parts.workDir, 'snapshot'));
    if (this.database) await this.database.backup();
    return `data folder copied${this.database ? ' and database dumped (pg_dump)' : ''}`;
  }

  async restoreState(): Promise<string> {
    await copyState(join(this.parts.workDir, 'snapshot'), this.parts.dataDir);
    await chmod(this.parts.dataDir, 0o777);
    if (this.database) await this.database.restore();
    return `data folder${this.database ? ' and database' : ''} restored from the copy`;
  }

  async startReplica(version: string, signal?: AbortSignal): Promise<Replica> {
    const run = this.runSpec(version);
    const id = `r${++this.replicaCount}`;
    const replica = await startAppReplica({
      id,
      version,
      spec: {
        image: run.image,
        port: run.port,
        command: run.command.map((part) => this.fill(part, run, id)),
        env: Object.fromEntries(Object.entries(run.env).map(([key, value]) => [key, this.fill(value, run, id)])),
      },
      mounts: this.mounts,
      network: this.network,
      labels: dockerLabels(this.context.runId, this.cell.id, 'replica'),
      logDir: this.context.logDir,
      readyPath: this.cell.scenario.endpoints.ready,
      startTimeoutMs: this.cell.scenario.startTimeoutMs,
      stopGraceMs: this.cell.scenario.stopGraceMs,
      signal: signal ? AbortSignal.any([this.context.signal, signal]) : this.context.signal,
    });
    this.replicas.push(replica);
    return replica;
  }

  describe(): string[] {
    return [
      `front door  ${this.trafficUrl} (HAProxy runtime API ${this.haproxy.api.host}:${this.haproxy.api.port})`,
      ...(this.database && this.parts.passwordFile ? [describeDatabase(this.database.hostUrl, this.parts.passwordFile)] : []),
      `data folder ${this.parts.dataDir} (${DATA_MOUNT} in the app's containers)`,
      ...this.replicas.filter((replica) => replica.running).map((replica) => `replica ${replica.id}  ${replica.url} (${replica.version}, container ${replica.containerId.slice(0, 12)})`),
      `network     ${this.network.getName()}`,
    ];
  }

  async components(): Promise<ComponentIdentity[]> {
    return [
      ...(this.database ? [{ name: 'database', identity: await this.database.identity() }] : []),
      { name: 'front door', identity: await this.haproxy.identity() },
    ];
  }

  /** Stops every replica still running, then HAProxy, PostgreSQL and the network. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled(this.replicas.map((replica) => replica.stop()));
    await this.parts.resources.disposeAsync();
  }
}


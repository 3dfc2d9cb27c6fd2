// One cell's machines as an Environment: the fleet started, PostgreSQL and HAProxy where the
// method needs them, the packages built; the method then installs and moves the app. At teardown
// every machine's journal goes into the cell's logs before the machines are destroyed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cell, VmPackaging } from '../../matrix/cell.ts';
import type { MethodContext } from '../../methods/upgrade-method.ts';
import type { EnvironmentFacts } from '../../results.ts';
import { createRunWorkDir } from '../../runner/run-work-dir.ts';
import type { ComponentIdentity, Environment, Installation, ProvisionContext } from '../platform.ts';
import { Balancer, BALANCER_PORT } from './balancer.ts';
import { planFleet, startFleet, type Fleet } from './fleet.ts';
import { startMachineDatabase, type MachineDatabase } from './machine-database.ts';
import type { Machine } from './machine.ts';
import { packageInPlace } from './methods/package-in-place.ts';
import { packageRolling } from './methods/package-rolling.ts';
import type { VmMethod } from './methods/vm-method.ts';
import { withSnapshotRollback } from './methods/snapshot-rollback.ts';
import { buildPackages } from './package-build.ts';
import { purgePackage } from './package-install.ts';

const methods: Record<string, VmMethod> = { 'package-in-place': packageInPlace, 'package-rolling': packageRolling };

export async function provisionVmEnvironment(cell: Cell, context: ProvisionContext): Promise<Environment> {
  const packaging = cell.scenario.vm!;
  await using stack = new AsyncDisposableStack();
  const work = stack.use(await createRunWorkDir(context.runId, 'vm'));
  const versions = [cell.from, ...cell.via, cell.to];
  const [packages, fleet] = await Promise.all([
    buildPackages(cell.scenario, versions, work.path, context.signal).then((built) => {
      context.event(`packages built: ${[...built.values()].map((file) => file.split('/').at(-1)).join(', ')}`);
      return built;
    }),
    startFleet(cell, context, planFleet(cell, packaging.port), work.path),
  ]);
  stack.use(fleet);
  stack.defer(() => saveJournals(fleet.machines, context.logDir));
  const [appNode] = fleet.byRole('app');
  const databaseMachine = fleet.byRole('database')[0] ?? appNode!;
  const database = await startMachineDatabase(databaseMachine, { remote: databaseMachine !== appNode });
  context.event(`PostgreSQL ready on ${databaseMachine.name}`);
  const ssh = cell.vm!.ssh;
  if (ssh && 'hosts' in ssh) stack.defer(() => undoOnOwnMachines(fleet, packaging, database));
  const balancerMachine = fleet.byRole('balancer')[0];
  const balancer = balancerMachine
    ? new Balancer(balancerMachine, { nodes: fleet.byRole('app').map((node) => ({ name: node.name, address: node.address })), appPort: packaging.port, readyPath: cell.scenario.endpoints.ready })
    : null;
  const front = balancerMachine ? await balancerMachine.publish(BALANCER_PORT) : await appNode!.publish(packaging.port);
  const trafficUrl = `http://127.0.0.1:${front}`;
  const owned = stack.move();
  return new VmEnvironment(cell, { fleet, database, balancer, packages, trafficUrl, teardown: owned });
}

interface VmParts {
  fleet: Fleet;
  database: MachineDatabase;
  balancer: Balancer | null;
  packages: Map<string, string>;
  trafficUrl: string;
  teardown: AsyncDisposableStack;
}

class VmEnvironment implements Environment {
  readonly trafficUrl: string;
  private readonly cell: Cell;
  private readonly parts: VmParts;

  constructor(cell: Cell, parts: VmParts) {
    this.cell = cell;
    this.parts = parts;
    this.trafficUrl = parts.trafficUrl;
  }

  async install(version: string, context: MethodContext): Promise<Installation> {
    const { fleet, database, balancer, packages, trafficUrl } = this.parts;
    const setup = { cell: this.cell, packaging: this.cell.scenario.vm!, packages, app: fleet.byRole('app'), database, balancer, trafficUrl, signal: context.signal };
    return withSnapshotRollback(await methods[this.cell.method]!(setup, version, context), setup, version);
  }

  async components(): Promise<ComponentIdentity[]> {
    const components = [{ name: 'database', identity: await this.parts.database.identity() }];
    const balancer = this.parts.balancer?.machine;
    if (balancer) {
      const shown = await balancer.exec(['systemctl', 'show', '-p', 'MainPID', '-p', 'ExecMainStartTimestamp', 'haproxy']);
      components.push({ name: 'balancer', identity: `${balancer.name} haproxy ${shown.stdout.trim().replace(/\n/g, ' ')}` });
    }
    return components;
  }

  async facts(): Promise<EnvironmentFacts> {
    const machines = await Promise.all(
      this.parts.fleet.machines.map(async (machine) => ({ name: machine.name, kind: machine.kind, role: machine.role, kernel: (await machine.exec(['uname', '-r'])).stdout.trim() })),
    );
    return { machines };
  }

  describe(): string[] {
    return [`front door  ${this.trafficUrl}`, ...this.parts.fleet.machines.map((machine) => `${machine.name.padEnd(11)} ${machine.kind} (${machine.role})`)];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.parts.teardown.disposeAsync();
  }
}

/** Machines the user gave outlive the cell: the package, its configuration, the database and HAProxy go again. */
async function undoOnOwnMachines(fleet: Fleet, packaging: VmPackaging, database: MachineDatabase): Promise<void> {
  for (const node of fleet.byRole('app')) await purgePackage(node, packaging).catch(() => undefined);
  await database.forget().catch(() => undefined);
  for (const balancer of fleet.byRole('balancer')) await balancer.exec(['systemctl', 'stop', 'haproxy']).catch(() => undefined);
}

/** Each machine's journal, as the machine's own record of what its services did. */
async function saveJournals(machines: Machine[], logDir: string): Promise<void> {
  await Promise.all(
    machines.map(async (machine) => {
      const journal = await machine.exec(['journalctl', '--no-pager', '-o', 'short-iso-precise'], { timeoutMs: 30_000 }).catch(() => null);
      if (journal) await writeFile(join(logDir, `${machine.name}.journal.log`), journal.stdout);
    }),
  );
}

// What the vm platform's methods share: the fleet as set up for the cell, and the steps every
// method takes on an app node (configure it, install a version's package, check it).
import { UpgradeFailedError } from '../../../errors.ts';
import type { Cell, VmPackaging } from '../../../matrix/cell.ts';
import { fillPlaceholders } from '../../../matrix/placeholders.ts';
import type { MethodContext } from '../../../methods/upgrade-method.ts';
import { waitFor } from '../../../util/wait-for.ts';
import type { Installation } from '../../platform.ts';
import type { Balancer } from '../balancer.ts';
import type { Machine } from '../machine.ts';
import type { MachineDatabase } from '../machine-database.ts';
import { installedVersion, installPackage, serviceState, type InstallOptions } from '../package-install.ts';

export interface VmSetup {
  cell: Cell;
  packaging: VmPackaging;
  /** The built package of each version the cell installs. */
  packages: Map<string, string>;
  /** App nodes in order; the first is the deploy node (it runs the migrations). */
  app: Machine[];
  database: MachineDatabase;
  balancer: Balancer | null;
  /** Where traffic reaches the app from this host (127.0.0.1). */
  trafficUrl: string;
  signal: AbortSignal;
}

/** Installs `version` on the fleet by the method's own procedure and returns how it moves on. */
export type VmMethod = (setup: VmSetup, version: string, context: MethodContext) => Promise<Installation>;

/** The configuration the package reads, written before it is installed. */
export async function configureNode(setup: VmSetup, node: Machine): Promise<void> {
  const { config, port } = setup.packaging;
  const content = fillPlaceholders(config.content, { databaseUrl: setup.database.urlFrom(node), port: String(port), machine: node.name });
  // It holds the database password.
  await node.writeFile(config.path, content, 0o600);
}

/** apt-get install of one version on one node, its maintainer scripts' words on the timeline. */
export async function installOn(setup: VmSetup, node: Machine, version: string, context: MethodContext, options: InstallOptions = {}): Promise<void> {
  const env = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value} `).join('');
  context.event(`${node.name}: ${env}apt-get install ${setup.packaging.name} ${version}`);
  const said = await installPackage(node, setup.packaging, setup.packages.get(version)!, { ...options, signal: setup.signal });
  for (const line of said) context.event(`${node.name}: ${line}`);
}

/** While the skip file exists, the node's maintainer scripts run no migrations (it is not the deploy node). */
export async function withoutMigrations<T>(setup: VmSetup, node: Machine, work: () => Promise<T>): Promise<T> {
  await node.writeFile(setup.packaging.migrations.skipAutoFile, '');
  try {
    return await work();
  } finally {
    await node.exec(['rm', '-f', setup.packaging.migrations.skipAutoFile]);
  }
}

/**
 * How long a node may take to answer ready: the scenario's start timeout, stretched on a QEMU
 * machine, whose CPU is emulated (TCG: programs start several times slower than on the host).
 */
export function readyTimeoutMs(setup: VmSetup): number {
  return setup.cell.scenario.startTimeoutMs * (setup.cell.vm?.kind === 'qemu' ? QEMU_SLOWDOWN : 1);
}
const QEMU_SLOWDOWN = 6;

/** Waits until the app answers ready where traffic reaches it (a node of its own, no balancer). */
export async function awaitServing(setup: VmSetup, what: string): Promise<void> {
  const url = `${setup.trafficUrl}${setup.cell.scenario.endpoints.ready}`;
  const timeoutMs = readyTimeoutMs(setup);
  await waitFor(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.status === 200;
    },
    { what: `${what} to answer ready at ${url}`, timeoutMs, signal: setup.signal },
  ).catch((cause: Error) => {
    if (setup.signal.aborted) throw cause;
    throw new UpgradeFailedError(`${what} did not answer ready within ${timeoutMs} ms`, { code: 'NODE_NOT_READY', cause, timingDependent: true, hint: "see the machine's journal in the cell logs" });
  });
}

/** Every app node has `expected` installed and its service running. */
export async function nodeProblems(setup: VmSetup, expected: string): Promise<string[]> {
  const problems: string[] = [];
  for (const node of setup.app) {
    const installed = await installedVersion(node, setup.packaging.name);
    if (installed !== expected) problems.push(`${node.name} has ${setup.packaging.name} ${installed ?? '(none)'} installed, not ${expected}`);
    const state = await serviceState(node, setup.packaging.service);
    if (state !== 'active') problems.push(`${node.name}: ${setup.packaging.service} is ${state}`);
  }
  return problems;
}

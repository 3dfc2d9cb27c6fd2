// The machines of one cell, started side by side and torn down together: what each method needs
// (one machine in place; app nodes, a database and a balancer for the multi-node procedure), on
// the kind of machine the cell names.
import type { Cell } from '../../matrix/cell.ts';
import { startCellNetwork } from '../docker/cell-network.ts';
import { dockerLabels } from '../docker/docker-labels.ts';
import type { ProvisionContext } from '../platform.ts';
import type { Machine, MachineRole } from './machine.ts';
import { startContainerHost } from './machines/container-host.ts';

export interface MachinePlan {
  name: string;
  role: MachineRole;
  /** Ports this host reaches the machine on (127.0.0.1). */
  ports: number[];
}

export interface Fleet extends AsyncDisposable {
  readonly machines: Machine[];
  byRole(role: MachineRole): Machine[];
}

/** package-in-place: one machine with the app and its database; package-rolling: the matrix's fleet. */
export function planFleet(cell: Cell, appPort: number): MachinePlan[] {
  if (cell.method === 'package-in-place') return [{ name: 'app-1', role: 'app', ports: [appPort] }];
  const { app, database, balancer } = cell.vm!.machines;
  return [
    ...Array.from({ length: app }, (_, index) => ({ name: `app-${index + 1}`, role: 'app' as const, ports: [] })),
    ...Array.from({ length: database }, (_, index) => ({ name: `db-${index + 1}`, role: 'database' as const, ports: [] })),
    ...Array.from({ length: balancer }, (_, index) => ({ name: `lb-${index + 1}`, role: 'balancer' as const, ports: [80] })),
  ];
}

export async function startFleet(cell: Cell, context: ProvisionContext, plan: MachinePlan[]): Promise<Fleet> {
  const disposers: (() => Promise<void>)[] = [];
  const dispose = async () => {
    for (const undo of disposers.splice(0).reverse()) await undo().catch(() => undefined);
  };
  try {
    const machines = await startMachines(cell, context, plan, disposers);
    return { machines, byRole: (role) => machines.filter((machine) => machine.role === role), [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function startMachines(cell: Cell, context: ProvisionContext, plan: MachinePlan[], disposers: (() => Promise<void>)[]): Promise<Machine[]> {
  const kind = cell.vm!.kind;
  if (kind !== 'container-host') throw new Error(`machine kind ${kind} is not wired yet`);
  const network = await startCellNetwork(dockerLabels(context.runId, cell.id, 'network'));
  disposers.push(() => network.stop().then(() => undefined));
  context.event(`starting ${plan.length} container host${plan.length > 1 ? 's' : ''}: ${plan.map((machine) => machine.name).join(', ')}`);
  const started = await Promise.allSettled(
    plan.map((machine) => startContainerHost({ ...machine, runId: context.runId, cellId: cell.id, network: network.getName(), signal: context.signal })),
  );
  for (const result of started) if (result.status === 'fulfilled') disposers.push(() => result.value.destroy());
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return started.map((result) => (result as PromiseFulfilledResult<Machine>).value);
}

// The machines of one cell, started side by side and torn down together: what each method needs
// (one machine in place; app nodes, a database and a balancer for the multi-node procedure), on
// the kind of machine the cell names.
import { join } from 'node:path';
import type { Cell, SshHost } from '../../matrix/cell.ts';
import { runTool } from '../../tools/run-tool.ts';
import { startCellNetwork } from '../docker/cell-network.ts';
import { dockerLabels } from '../docker/docker-labels.ts';
import type { ProvisionContext } from '../platform.ts';
import { mustRun, type Machine, type MachineRole } from './machine.ts';
import { startContainerHost } from './machines/container-host.ts';
import { buildQemuImage } from './machines/qemu-image.ts';
import { startQemuMachine } from './machines/qemu-machine.ts';
import { SshMachine } from './machines/ssh-machine.ts';

const SSH_PORT = 22;

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

/** package-in-place: one machine with the app and its database; package-rolling: the matrix's fleet; ssh hosts: as given. */
export function planFleet(cell: Cell, appPort: number): MachinePlan[] {
  const ssh = cell.vm!.ssh;
  if (cell.vm!.kind === 'ssh' && ssh && 'hosts' in ssh) {
    const hosts = cell.method === 'package-in-place' ? ssh.hosts.filter((host) => host.role === 'app').slice(0, 1) : ssh.hosts;
    return hosts.map((host) => ({ name: host.name, role: host.role, ports: [] }));
  }
  if (cell.method === 'package-in-place') return [{ name: 'app-1', role: 'app', ports: [appPort] }];
  const { app, database, balancer } = cell.vm!.machines;
  return [
    ...Array.from({ length: app }, (_, index) => ({ name: `app-${index + 1}`, role: 'app' as const, ports: [] })),
    ...Array.from({ length: database }, (_, index) => ({ name: `db-${index + 1}`, role: 'database' as const, ports: [] })),
    ...Array.from({ length: balancer }, (_, index) => ({ name: `lb-${index + 1}`, role: 'balancer' as const, ports: [80] })),
  ];
}

export async function startFleet(cell: Cell, context: ProvisionContext, plan: MachinePlan[], workDir: string): Promise<Fleet> {
  const disposers: (() => Promise<void>)[] = [];
  const dispose = async () => {
    for (const undo of disposers.splice(0).reverse()) await undo().catch(() => undefined);
  };
  try {
    const machines = await startMachines(cell, context, plan, workDir, disposers);
    return { machines, byRole: (role) => machines.filter((machine) => machine.role === role), [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

type Disposers = (() => Promise<void>)[];

async function startMachines(cell: Cell, context: ProvisionContext, plan: MachinePlan[], workDir: string, disposers: Disposers): Promise<Machine[]> {
  const vm = cell.vm!;
  const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
  if (vm.kind === 'qemu') {
    context.event(`booting ${plural(plan.length, 'QEMU machine')}: ${plan.map((machine) => machine.name).join(', ')}`);
    const image = await buildQemuImage({ signal: context.signal });
    return startAll(disposers, plan, (machine) =>
      startQemuMachine({ name: machine.name, role: machine.role, runId: context.runId, image, memoryMb: vm.qemu.memoryMb, logFile: join(context.logDir, `${machine.name}.console.log`), signal: context.signal }),
    );
  }
  if (vm.kind === 'ssh' && vm.ssh && 'hosts' in vm.ssh) {
    const hosts = vm.ssh.hosts;
    context.event(`connecting over SSH to ${plan.map((machine) => `${machine.name} (${hosts.find((host) => host.name === machine.name)!.host})`).join(', ')}`);
    return startAll(disposers, plan, (machine) => connectHost(hosts.find((host) => host.name === machine.name)!, context.signal));
  }
  const network = await startCellNetwork(dockerLabels(context.runId, cell.id, 'network'));
  disposers.push(() => network.stop().then(() => undefined));
  const overSsh = vm.kind === 'ssh';
  context.event(`starting ${plural(plan.length, 'container host')}${overSsh ? ' reached over SSH only' : ''}: ${plan.map((machine) => machine.name).join(', ')}`);
  const hosts = await startAll(disposers, plan, (machine) =>
    startContainerHost({ ...machine, ports: overSsh ? [...machine.ports, SSH_PORT] : machine.ports, runId: context.runId, cellId: cell.id, network: network.getName(), signal: context.signal }),
  );
  if (!overSsh) return hosts;
  // The ssh kind tried without machines of one's own: the container hosts run sshd with a key
  // made for this cell, and from here on every command, file and port goes over SSH.
  const key = join(workDir, 'id_ed25519');
  await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `upgrade-harness ${cell.id}`, '-f', key], { installHint: 'apt-get install -y openssh-client' });
  const publicKey = (await runTool('cat', [`${key}.pub`])).stdout;
  return startAll(disposers, hosts, async (host) => {
    await host.writeFile('/root/.ssh/authorized_keys', publicKey, 0o600);
    await mustRun(host, ['systemctl', 'start', 'ssh']);
    const port = await host.publish(SSH_PORT);
    return connectHost({ name: host.name, role: host.role, host: '127.0.0.1', port, user: 'root', key, address: host.address }, context.signal);
  });
}

function connectHost(host: SshHost, signal: AbortSignal): Promise<Machine> {
  return SshMachine.connect({ name: host.name, role: host.role, address: host.address, host: host.host, port: host.port, user: host.user, privateKeyFile: host.key, signal });
}

/** Starts one machine per entry side by side; each started one is destroyed with the fleet, also when another failed. */
async function startAll<T>(disposers: Disposers, entries: T[], start: (entry: T) => Promise<Machine>): Promise<Machine[]> {
  const started = await Promise.allSettled(entries.map(start));
  for (const result of started) if (result.status === 'fulfilled') disposers.push(() => result.value.destroy());
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return started.map((result) => (result as PromiseFulfilledResult<Machine>).value);
}

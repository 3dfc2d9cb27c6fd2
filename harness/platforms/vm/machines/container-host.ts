// A container host: systemd booted as PID 1 in a Docker container of the machine image, on the
// cell's own network. `--privileged` fails on these machines (the capability bounding set lacks
// CAP_SYS_RESOURCE), so the container gets every capability but that one, no seccomp filter and
// the host's cgroup tree, which is what systemd needs to run services. Fast (about a second to
// boot); the kernel is the host's, which is what the qemu kind is for.
import { execa } from 'execa';
import { InfrastructureError } from '../../../errors.ts';
import { dockerode } from '../../docker/docker-runtime.ts';
import { dockerLabels } from '../../docker/docker-labels.ts';
import { mustRun, type ExecOptions, type ExecResult, type Machine, type MachineRole } from '../machine.ts';

export const CONTAINER_HOST_IMAGE = 'upgrade-harness/machine:bookworm';
const BOOT_TIMEOUT_MS = 60_000;

export interface ContainerHostSpec {
  name: string;
  role: MachineRole;
  runId: string;
  cellId: string;
  /** The cell's Docker network; the machine is reachable on it by its name. */
  network: string;
  /** Ports of the machine published on 127.0.0.1 (Docker maps ports only when a container is created). */
  ports: number[];
  signal?: AbortSignal;
}

export async function startContainerHost(spec: ContainerHostSpec): Promise<Machine> {
  const docker = await dockerode();
  const exposed = Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, {}]));
  const bindings = Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]]));
  // CgroupnsMode is in the Engine API since 1.41 but not in dockerode's types.
  const hostConfig = {
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    SecurityOpt: ['seccomp=unconfined'],
    CgroupnsMode: 'host',
    Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
    Tmpfs: { '/run': '', '/run/lock': '' },
    PortBindings: bindings,
    NetworkMode: spec.network,
  };
  const container = await docker.createContainer({
    Image: CONTAINER_HOST_IMAGE,
    Hostname: spec.name,
    Labels: dockerLabels(spec.runId, spec.cellId, `machine-${spec.role}`),
    StopSignal: 'SIGRTMIN+3',
    ExposedPorts: exposed,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [spec.name] } } },
  }).catch((cause: Error) => {
    throw new InfrastructureError(`cannot create container host ${spec.name}: ${cause.message}`, {
      code: 'MACHINE_CREATE',
      hint: /No such image/i.test(cause.message) ? 'run `npx upgrade-harness images build` first' : 'check `docker info`',
      cause,
    });
  });
  const machine = new ContainerHost(spec, container.id);
  try {
    await container.start();
    await machine.waitBooted(spec.signal);
  } catch (error) {
    await machine.destroy();
    throw error;
  }
  return machine;
}

class ContainerHost implements Machine {
  readonly kind = 'container-host' as const;
  readonly name: string;
  readonly role: MachineRole;
  readonly address: string;
  private readonly id: string;
  private destroyed = false;

  constructor(spec: ContainerHostSpec, id: string) {
    this.name = spec.name;
    this.role = spec.role;
    this.address = spec.name;
    this.id = id;
  }

  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    const result = await execa('docker', ['exec', ...(options.input !== undefined ? ['-i'] : []), ...env, this.id, ...command], {
      input: options.input,
      timeout: options.timeoutMs ?? 300_000,
      cancelSignal: options.signal,
      reject: false,
      stdin: options.input !== undefined ? 'pipe' : 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  async copyIn(localFile: string, remotePath: string, mode = 0o644): Promise<void> {
    await mustRun(this, ['mkdir', '-p', remotePath.slice(0, remotePath.lastIndexOf('/')) || '/']);
    const copied = await execa('docker', ['cp', localFile, `${this.id}:${remotePath}`], { reject: false });
    if (copied.exitCode !== 0) throw new InfrastructureError(`cannot copy ${localFile} into ${this.name}: ${copied.stderr}`, { code: 'MACHINE_COPY' });
    await mustRun(this, ['chmod', mode.toString(8), remotePath]);
  }

  async writeFile(remotePath: string, content: string, mode = 0o644): Promise<void> {
    // install(1) makes the parents and sets the mode in one step, reading the content from stdin.
    await mustRun(this, ['install', '-D', '-m', mode.toString(8), '/dev/stdin', remotePath], { input: content });
  }

  async publish(port: number): Promise<number> {
    // Read each time: a reboot (docker restart) may map the port anew.
    const info = await (await dockerode()).getContainer(this.id).inspect();
    const host = info.NetworkSettings.Ports?.[`${port}/tcp`]?.find((binding) => binding.HostIp === '127.0.0.1')?.HostPort;
    if (!host) throw new InfrastructureError(`${this.name}: port ${port} was not published when the machine was created`, { code: 'MACHINE_PORT' });
    return Number(host);
  }

  async reboot(): Promise<void> {
    const restarted = await execa('docker', ['restart', '-t', '20', this.id], { reject: false });
    if (restarted.exitCode !== 0) throw new InfrastructureError(`cannot reboot ${this.name}: ${restarted.stderr}`, { code: 'MACHINE_REBOOT' });
    await this.waitBooted();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await (await dockerode())
      .getContainer(this.id)
      .remove({ force: true, v: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }

  /** systemd says the boot is done: `running`, or `degraded` when a unit failed (named in the journal). */
  async waitBooted(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      const state = await this.exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 20_000, signal });
      last = `${state.stdout}${state.stderr}`.trim();
      if (/^(running|degraded)$/m.test(state.stdout)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new InfrastructureError(`container host ${this.name} did not finish booting within ${BOOT_TIMEOUT_MS / 1000} s (systemd: ${last || 'no answer'})`, {
      code: 'MACHINE_BOOT',
      hint: 'see its journal in the cell logs; systemd in a container needs cgroups from the host (/sys/fs/cgroup)',
    });
  }
}

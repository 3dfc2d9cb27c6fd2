// A real virtual machine: its own kernel, systemd and reboots, for upgrades a container cannot
// show (a package that needs a reboot, a kernel module, a boot-time service order). QEMU with TCG,
// because KVM is often missing (CI runners, nested VMs); a boot to SSH takes about 20 s then on
// one emulated CPU (30 s on a busy 2-core runner), a reboot about 30 s.
//
// Each machine boots a copy-on-write overlay of the cached image (qemu-image.ts) from a work
// folder marked for gc; the QEMU process carries the run's label in its environment, so gc kills
// it when the harness died. Every port is forwarded by QEMU's user network on 127.0.0.1 only.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { InfrastructureError, WaitTimeoutError } from '../../../errors.ts';
import { OWNER_FILE, WORK_DIR_PREFIX } from '../../../runner/leftovers.ts';
import { OWNER_PID_LABEL, RUN_ID_LABEL } from '../../../runner/labels.ts';
import { ToolMissingError, runTool } from '../../../tools/run-tool.ts';
import { freePort } from '../../../util/free-port.ts';
import { logTail } from '../../../util/log-tail.ts';
import { tempFolderError } from '../../../util/temp-folder.ts';
import type { ExecOptions, ExecResult, Machine, MachineRole } from '../machine.ts';
import { HOST_KEY_FW_CFG, type QemuImage } from './qemu-image.ts';
import { QemuMonitor } from './qemu-monitor.ts';
import { openSshFingerprint, SshConnection } from './ssh-connection.ts';
import { rebootOverSsh } from './ssh-machine.ts';

export const QEMU_INSTALL_HINT = 'apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils';
/** The guest's kernel command line. mitigations=off: the CPU is emulated, and the mitigations cost seconds of boot. */
export const KERNEL_APPEND = 'root=/dev/vda rw console=ttyS0 mitigations=off';
const DEFAULT_BOOT_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5000;

export interface StartQemuMachineOptions {
  name: string;
  role: MachineRole;
  runId: string;
  image: QemuImage;
  /** Where the machine's work folder (overlay disk, monitor socket) is made; default TMPDIR, where gc looks. */
  workDir?: string;
  memoryMb: number;
  /** The guest's serial console, appended to: the boot log, and what a timeout quotes. */
  logFile: string;
  /** Boot (and reboot) to SSH; default 120 s, for a busy 2-core runner. */
  bootTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Boots a machine and resolves once root can run commands in it over SSH. */
export async function startQemuMachine(options: StartQemuMachineOptions): Promise<QemuMachine> {
  const workDir = await mkdtemp(join(options.workDir ?? tmpdir(), `${WORK_DIR_PREFIX}qemu-${options.name}-`)).catch((cause: unknown) => {
    throw tempFolderError(cause);
  });
  await writeFile(join(workDir, OWNER_FILE), JSON.stringify({ pid: process.pid, runId: options.runId, machine: options.name }));
  let machine: QemuMachine | undefined;
  try {
    const overlay = join(workDir, 'overlay.qcow2');
    await runTool('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', options.image.disk, overlay], { installHint: QEMU_INSTALL_HINT, timeoutMs: 60_000, signal: options.signal });
    const hostKey = join(workDir, 'ssh_host_ed25519_key');
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `upgrade-harness ${options.name}`, '-f', hostKey], { installHint: 'apt-get install -y openssh-client', signal: options.signal });
    const hostKeyFingerprint = openSshFingerprint(await readFile(`${hostKey}.pub`, 'utf8'));
    const sshPort = await freePort();
    const monitor = new QemuMonitor(join(workDir, 'qmp.sock'), `machine ${options.name}`);
    const args = qemuArguments({ ...options, overlay, hostKey, sshPort, qmpSocket: monitor.socketPath });
    const { child } = await spawnQemu(args, options);
    machine = new QemuMachine(options, { workDir, sshPort, hostKeyFingerprint, monitor, child });
    await machine.awaitBoot();
    return machine;
  } catch (error) {
    if (machine) await machine.destroy();
    else await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

interface QemuArgumentsInput {
  name: string;
  image: QemuImage;
  memoryMb: number;
  logFile: string;
  overlay: string;
  /** The machine's own SSH host key (private half), handed to the guest through fw_cfg. */
  hostKey: string;
  sshPort: number;
  qmpSocket: string;
}

/** The whole command line, as tests and the report quote it. */
export function qemuArguments(input: QemuArgumentsInput): string[] {
  return [
    '-name', qemuOption(input.name),
    '-accel', 'tcg',
    '-m', String(input.memoryMb),
    '-smp', '1',
    // No default devices (VGA, floppy, CD-ROM, NIC): fewer drivers to probe on an emulated CPU.
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-kernel', input.image.kernel,
    '-initrd', input.image.initrd,
    '-append', KERNEL_APPEND,
    '-drive', `file=${qemuOption(input.overlay)},if=virtio,format=qcow2`,
    // The user network: no root, no bridge; QEMU itself listens on the host side, on 127.0.0.1.
    '-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${input.sshPort}-:22`,
    '-device', 'virtio-net-pci,netdev=net0',
    // Entropy from the host: sshd and TLS never wait for the guest's pool to fill.
    '-device', 'virtio-rng-pci',
    // QEMU writes the console to the file itself: nothing to keep reading, so the guest never
    // stalls on a full pipe, and the log survives the harness.
    '-chardev', `file,id=console,path=${qemuOption(input.logFile)},append=on`,
    '-serial', 'chardev:console',
    '-qmp', `unix:${qemuOption(input.qmpSocket)},server=on,wait=off`,
    '-fw_cfg', `name=${HOST_KEY_FW_CFG},file=${qemuOption(input.hostKey)}`,
  ];
}

/** A comma inside a QEMU option value is written twice. */
function qemuOption(value: string): string {
  return value.replaceAll(',', ',,');
}

/** Wrapped in an object: the child is a promise of its exit, which an async function would await. */
async function spawnQemu(args: string[], options: StartQemuMachineOptions): Promise<{ child: ResultPromise }> {
  const child = execa('qemu-system-x86_64', args, {
    // Named here, not only inherited: gc finds the process even when the caller never set them.
    env: { [RUN_ID_LABEL]: options.runId, [OWNER_PID_LABEL]: String(process.pid) },
    stdin: 'ignore',
    // QEMU's own messages (a disk it cannot open, a port it cannot bind) go into the console log.
    stdout: { file: options.logFile, append: true },
    stderr: { file: options.logFile, append: true },
    reject: false,
    // The machine is stopped in destroy(); this is the safety net when the harness exits first.
    cleanup: true,
  });
  if (child.pid === undefined) {
    const result = await child;
    if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new ToolMissingError('qemu-system-x86_64', QEMU_INSTALL_HINT);
    throw new InfrastructureError(`qemu-system-x86_64 did not start: ${result.message}`, { code: 'QEMU_START', hint: QEMU_INSTALL_HINT });
  }
  return { child };
}

interface QemuProcess {
  workDir: string;
  sshPort: number;
  hostKeyFingerprint: string;
  monitor: QemuMonitor;
  child: ResultPromise;
}

export class QemuMachine implements Machine {
  readonly kind = 'qemu';
  readonly name: string;
  readonly role: MachineRole;
  /**
   * Each machine has a user network of its own, so other machines cannot reach it by an address:
   * a fleet of one (its services talk over localhost). A multi-machine QEMU fleet would need a
   * shared network (`-netdev socket` multicast, or a bridge/tap, which needs root).
   */
  readonly address = '127.0.0.1';
  readonly workDir: string;
  readonly sshPort: number;
  readonly pid: number;
  readonly logFile: string;
  /** The SSH host key made for this machine (`SHA256:...`), pinned from the first connection. */
  readonly hostKeyFingerprint: string;
  readonly #image: QemuImage;
  readonly #bootTimeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #monitor: QemuMonitor;
  readonly #child: ResultPromise;
  readonly #published = new Map<number, Promise<number>>();
  #exit: { code: number | undefined; signal: string | undefined } | undefined;
  #connection: SshConnection | undefined;
  #destroying: Promise<void> | undefined;

  constructor(options: StartQemuMachineOptions, started: QemuProcess) {
    this.name = options.name;
    this.role = options.role;
    this.logFile = options.logFile;
    this.#image = options.image;
    this.#bootTimeoutMs = options.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
    this.#signal = options.signal;
    this.workDir = started.workDir;
    this.sshPort = started.sshPort;
    this.hostKeyFingerprint = started.hostKeyFingerprint;
    this.#monitor = started.monitor;
    this.#child = started.child;
    this.pid = started.child.pid ?? 0;
    void started.child.then((result) => (this.#exit = { code: result.exitCode, signal: result.signal }));
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Waits for the first boot: root logs in over SSH, and the guest shows the host key made for it. */
  async awaitBoot(): Promise<void> {
    const privateKey = await readFile(this.#image.privateKeyFile);
    try {
      this.#connection = await SshConnection.open({
        what: `qemu machine ${this.name}`,
        host: '127.0.0.1',
        port: this.sshPort,
        username: 'root',
        privateKey,
        // Made for this machine before it booted: even the first connection is checked.
        hostKeyFingerprint: this.hostKeyFingerprint,
        connectTimeoutMs: this.#bootTimeoutMs,
        signal: this.#signal,
        giveUp: () => this.#exitedError(),
      });
    } catch (error) {
      throw await this.#bootError(error, 'boot');
    }
  }

  async exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.#ssh().exec(command, options);
  }

  async copyIn(localFile: string, remotePath: string, mode?: number): Promise<void> {
    return this.#ssh().copyIn(localFile, remotePath, mode);
  }

  async writeFile(remotePath: string, content: string, mode?: number): Promise<void> {
    return this.#ssh().writeFile(remotePath, content, mode);
  }

  /**
   * A forward QEMU adds at runtime to the guest's port (on its network address, so the service
   * must listen there or on all addresses, not on the guest's 127.0.0.1). Unlike an SSH forward it
   * does not depend on sshd, so it measures the service's own downtime; it survives guest reboots.
   */
  publish(port: number): Promise<number> {
    let published = this.#published.get(port);
    if (!published) {
      published = Promise.resolve().then(() => (this.#ssh(), this.#addForward(port)));
      published.catch(() => this.#published.delete(port));
      this.#published.set(port, published);
    }
    return published;
  }

  /** QEMU restarts the guest itself (no -no-reboot); done when SSH answers with a new boot id. */
  async reboot(): Promise<void> {
    try {
      await rebootOverSsh(this, this.#ssh(), { timeoutMs: this.#bootTimeoutMs, signal: this.#signal, giveUp: () => this.#exitedError() });
    } catch (error) {
      throw await this.#bootError(error, 'reboot');
    }
  }

  /** Quits QEMU (then SIGTERM, then SIGKILL) and removes the work folder; idempotent. */
  destroy(): Promise<void> {
    this.#destroying ??= this.#stop();
    return this.#destroying;
  }

  async #stop(): Promise<void> {
    await this.#connection?.close();
    if (this.running) {
      await this.#monitor.quit().catch(() => {});
      if (!(await this.#exited(STOP_GRACE_MS))) {
        this.#child.kill('SIGTERM');
        if (!(await this.#exited(STOP_GRACE_MS))) {
          this.#child.kill('SIGKILL');
          await this.#child;
        }
      }
    }
    await rm(this.workDir, { recursive: true, force: true });
  }

  async #exited(withinMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
    const exited = await Promise.race([this.#child.then(() => true as const), timeout]);
    clearTimeout(timer);
    return exited;
  }

  async #addForward(port: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const local = await freePort();
      const output = await this.#monitor.human(`hostfwd_add net0 tcp:127.0.0.1:${local}-:${port}`);
      if (output.trim() === '') return local;
      // The port was taken between freePort() and QEMU's bind: another one.
      if (attempt === 3) {
        throw new InfrastructureError(`machine ${this.name}: QEMU could not forward a host port to guest port ${port}: ${output.trim()}`, { code: 'QEMU_FORWARD' });
      }
    }
  }

  #ssh(): SshConnection {
    if (this.#destroying) throw new InfrastructureError(`qemu machine ${this.name} is destroyed`, { code: 'MACHINE_GONE' });
    const exited = this.#exitedError();
    if (exited) throw exited;
    if (!this.#connection) throw new InfrastructureError(`qemu machine ${this.name} is not booted yet`, { code: 'MACHINE_NOT_READY' });
    return this.#connection;
  }

  #exitedError(): InfrastructureError | null {
    if (!this.#exit) return null;
    const how = this.#exit.signal ? `was killed (${this.#exit.signal})` : `exited with code ${this.#exit.code}`;
    return new InfrastructureError(`the QEMU process of machine ${this.name} ${how}`, { code: 'QEMU_EXITED', hint: `see its console log ${this.logFile}` });
  }

  /** A boot that timed out or died says why in the console's last lines. */
  async #bootError(error: unknown, what: 'boot' | 'reboot'): Promise<unknown> {
    if (!(error instanceof WaitTimeoutError) && !(error instanceof InfrastructureError && error.code === 'QEMU_EXITED')) return error;
    // systemd colours its status lines; the message is read as plain text.
    const tail = (await logTail(this.logFile, 25)).map((line) => line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
    const timedOut = error instanceof WaitTimeoutError;
    return new InfrastructureError(
      `qemu machine ${this.name}: ${timedOut ? `no SSH within ${this.#bootTimeoutMs} ms of its ${what}` : `${error.message} during its ${what}`}` +
        `${tail.length ? `\nlast console lines (${this.logFile}):\n  ${tail.join('\n  ')}` : ''}`,
      {
        code: timedOut ? 'QEMU_BOOT_TIMEOUT' : 'QEMU_EXITED',
        hint: timedOut ? 'an emulated CPU on a busy machine is slow: raise the boot timeout, or run fewer cells at once' : `see the console log ${this.logFile}`,
        cause: error,
      },
    );
  }
}

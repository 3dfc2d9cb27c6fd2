// A machine the user already has - a staging VM, a bare-metal server - reached over SSH. The
// harness neither made nor may remove it: destroy() only hangs up (what the platform installed
// there it undoes itself). A login other than root runs everything through `sudo -n`, so a
// password prompt fails at once instead of hanging.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { InfrastructureError } from '../../../errors.ts';
import { describeExec, type ExecOptions, type ExecResult, type Machine, type MachineRole } from '../machine.ts';
import { SshConnection } from './ssh-connection.ts';

export interface SshMachineOptions {
  name: string;
  role: MachineRole;
  /** What the other machines of the fleet reach it by (a name or an IP on their network). */
  address: string;
  /** Where this host reaches its sshd. */
  host: string;
  port?: number;
  user: string;
  privateKeyFile: string;
  /** `SHA256:...` (ssh-keygen -lf the host key): pinned from the start instead of trusted on first use. */
  hostKeyFingerprint?: string;
  connectTimeoutMs?: number;
  /** A server's firmware alone may take minutes. Default 10 minutes. */
  rebootTimeoutMs?: number;
  signal?: AbortSignal;
}

const SUDO = ['sudo', '-n', '--'];

export class SshMachine implements Machine {
  readonly kind = 'ssh';
  readonly name: string;
  readonly role: MachineRole;
  readonly address: string;
  readonly connection: SshConnection;
  readonly #viaSudo: boolean;
  readonly #rebootTimeoutMs: number;
  readonly #published = new Map<number, Promise<number>>();

  private constructor(options: SshMachineOptions, connection: SshConnection) {
    this.name = options.name;
    this.role = options.role;
    this.address = options.address;
    this.connection = connection;
    this.#viaSudo = options.user !== 'root';
    this.#rebootTimeoutMs = options.rebootTimeoutMs ?? 10 * 60_000;
  }

  static async connect(options: SshMachineOptions): Promise<SshMachine> {
    const privateKey = await readFile(options.privateKeyFile).catch((cause: unknown) => {
      throw new InfrastructureError(`cannot read the SSH key ${options.privateKeyFile} for machine ${options.name}: ${(cause as Error).message}`, {
        code: 'SSH_KEY',
        hint: 'set privateKeyFile to a readable, unencrypted OpenSSH private key',
        cause,
      });
    });
    const connection = await SshConnection.open({
      what: `machine ${options.name} (${options.user}@${options.host}:${options.port ?? 22})`,
      host: options.host,
      port: options.port ?? 22,
      username: options.user,
      privateKey,
      hostKeyFingerprint: options.hostKeyFingerprint,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      signal: options.signal,
    });
    return new SshMachine(options, connection);
  }

  exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    // sudo resets the environment, so the variables come after it (the connection puts them there).
    return this.connection.exec(command, this.#viaSudo ? { ...options, prefix: SUDO } : options);
  }

  async copyIn(localFile: string, remotePath: string, mode?: number): Promise<void> {
    if (!this.#viaSudo) return this.connection.copyIn(localFile, remotePath, mode);
    const fileMode = mode ?? (await stat(localFile)).mode & 0o7777;
    const staged = stagingPath();
    await this.connection.copyIn(localFile, staged, fileMode);
    await this.#installStaged(staged, remotePath, fileMode);
  }

  async writeFile(remotePath: string, content: string, mode = 0o644): Promise<void> {
    if (!this.#viaSudo) return this.connection.writeFile(remotePath, content, mode);
    const staged = stagingPath();
    await this.connection.writeFile(staged, content, mode);
    await this.#installStaged(staged, remotePath, mode);
  }

  /** An SSH local forward to the machine's 127.0.0.1:port; asked twice, the same local port. */
  publish(port: number): Promise<number> {
    let published = this.#published.get(port);
    if (!published) {
      published = this.connection.forward(port);
      published.catch(() => this.#published.delete(port));
      this.#published.set(port, published);
    }
    return published;
  }

  async reboot(): Promise<void> {
    await rebootOverSsh(this, this.connection, { timeoutMs: this.#rebootTimeoutMs });
  }

  /** Hangs up; the machine and what is on it stay. */
  async destroy(): Promise<void> {
    await this.connection.close();
  }

  /** SFTP writes as the login user: the file goes to /tmp first, then into place as root. */
  async #installStaged(staged: string, remotePath: string, mode: number): Promise<void> {
    const result = await this.exec(['install', '-D', '-m', (mode & 0o7777).toString(8), staged, remotePath]);
    await this.connection.exec(['rm', '-f', staged]);
    if (result.exitCode !== 0) {
      throw new InfrastructureError(`machine ${this.name}: cannot put ${remotePath} in place: ${result.stderr.trim()}`, {
        code: 'SSH_FILE',
        hint: 'the login user needs passwordless sudo (NOPASSWD) for the harness to act as root',
      });
    }
  }
}

function stagingPath(): string {
  return `/tmp/upgrade-harness-${randomBytes(6).toString('hex')}`;
}

/** The kernel's id of the current boot: a new one is the proof a reboot happened (uptime can be fooled by a fast reboot). */
export async function readBootId(connection: SshConnection): Promise<string> {
  const result = await connection.exec(['cat', '/proc/sys/kernel/random/boot_id'], { timeoutMs: 30_000 });
  const bootId = result.stdout.trim();
  if (result.exitCode !== 0 || !bootId) {
    throw new InfrastructureError(`${connection.what}: cannot read its boot id (exit ${result.exitCode}): ${result.stderr.trim()}`, { code: 'MACHINE_BOOT_ID' });
  }
  return bootId;
}

export interface RebootOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The machine can never come back (its QEMU exited). */
  giveUp?: () => Error | null;
}

/**
 * `systemctl reboot` in the machine, then reconnects (same pinned host key) until it answers with
 * a boot id other than before. Reconnecting at once is fine: a sshd still up in the old boot
 * answers the old id, and the wait goes on.
 */
export async function rebootOverSsh(machine: Machine, connection: SshConnection, options: RebootOptions): Promise<void> {
  const before = await readBootId(connection);
  try {
    // Returns once the reboot job is queued - or not at all, when sshd stops first.
    const result = await machine.exec(['systemctl', 'reboot'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0 && result.exitCode !== 124) throw new InfrastructureError(describeExec(machine, ['systemctl', 'reboot'], result), { code: 'MACHINE_REBOOT' });
  } catch (error) {
    if (!(error instanceof InfrastructureError && error.code === 'SSH_CONNECTION_LOST')) throw error;
  }
  await connection.reconnect({
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    giveUp: options.giveUp,
    awaiting: 'a new boot id after the reboot',
    accept: async (fresh) => (await readBootId(fresh)) !== before,
  });
}

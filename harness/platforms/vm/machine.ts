// A machine of a cell's fleet, whatever it runs on: a systemd container, a QEMU guest, a host
// reached over SSH. The vm platform and its methods speak only this interface, so a method that
// upgrades a package on a container host upgrades it the same way on a VM or a user's server.
import { InfrastructureError } from '../../errors.ts';

export type MachineKind = 'container-host' | 'qemu' | 'ssh';
export const machineKinds = ['container-host', 'qemu', 'ssh'] as const satisfies readonly MachineKind[];

/** What a machine is for in the fleet: the app's nodes, its PostgreSQL, the HAProxy in front. */
export type MachineRole = 'app' | 'database' | 'balancer';

export interface ExecOptions {
  /** Extra environment for the command (as `env NAME=value command...` would give it). */
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Machine {
  /** Unique in the cell, e.g. app-1; also its host name on the fleet's network. */
  readonly name: string;
  readonly kind: MachineKind;
  readonly role: MachineRole;
  /** The address other machines of the fleet reach this one by (a name or an IP). */
  readonly address: string;
  /** Runs a program (argument array, no shell) as root; a non-zero exit is returned, not thrown. */
  exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copies a file of this machine's host into the machine (parents created), with a mode. */
  copyIn(localFile: string, remotePath: string, mode?: number): Promise<void>;
  /** Writes text to a file in the machine. */
  writeFile(remotePath: string, content: string, mode?: number): Promise<void>;
  /** The machine's TCP `port`, reachable from this host at 127.0.0.1:<returned port>. */
  publish(port: number): Promise<number>;
  /** Reboots the machine and resolves once it answers commands again. */
  reboot(): Promise<void>;
  /** Stops and removes the machine and everything the harness made for it (idempotent). */
  destroy(): Promise<void>;
}

/** A running command that fails is an error the caller words; this is the common wording. */
export function describeExec(machine: Machine, command: readonly string[], result: ExecResult): string {
  const output = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-8).join('\n  ');
  return `${machine.name}: \`${command.join(' ')}\` exited ${result.exitCode}${output ? `:\n  ${output}` : ''}`;
}

/** Runs a command that has to work: a non-zero exit is an InfrastructureError with its output. */
export async function mustRun(machine: Machine, command: readonly string[], options?: ExecOptions): Promise<ExecResult> {
  const result = await machine.exec(command, options);
  if (result.exitCode !== 0) throw new InfrastructureError(describeExec(machine, command, result), { code: 'MACHINE_EXEC' });
  return result;
}

// apt on a machine: install one version's package over whatever is there, and tell a refusal
// (the package's preinst said no, nothing was unpacked) from a failure.
import { basename } from 'node:path';
import { UpgradeFailedError, UpgradeRefusedError } from '../../errors.ts';
import type { VmPackaging } from '../../matrix/cell.ts';
import { describeExec, mustRun, type Machine } from './machine.ts';

const INSTALL_TIMEOUT_MS = 300_000;
/** dpkg's words when a new package's preinst exits non-zero: the old package stays as it was. */
const PREINST_FAILED = /new \S+ package pre-installation script subprocess returned error exit status/;
/** apt's and dpkg's own progress lines; what is left is what the maintainer scripts said. */
const TOOL_NOISE = /^(Reading |Building |Note, selecting|The following|Need to get|Get:|Selecting |Preparing |Unpacking |Setting up |Processing |\(Reading|\d+ upgraded|After this|WARNING|E: |Errors were|dpkg: |W: |N: |Created symlink|debconf: |\s+\S+$)/;

export interface InstallOptions {
  /** Environment for the maintainer scripts (SKIP_POST_DEPLOYMENT_MIGRATIONS=true). */
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** Installs `file` on the machine; returns what its maintainer scripts printed, for the timeline. */
export async function installPackage(machine: Machine, packaging: VmPackaging, file: string, options: InstallOptions = {}): Promise<string[]> {
  const remote = `/var/cache/upgrade-harness/${basename(file)}`;
  await machine.copyIn(file, remote);
  const before = await installedVersion(machine, packaging.name);
  const command = ['apt-get', 'install', '-y', '--no-install-recommends', '--allow-downgrades', remote];
  const result = await machine.exec(command, { env: { DEBIAN_FRONTEND: 'noninteractive', ...options.env }, timeoutMs: INSTALL_TIMEOUT_MS, signal: options.signal });
  const said = scriptLines(`${result.stdout}\n${result.stderr}`);
  if (result.exitCode === 0) return said;
  const after = await installedVersion(machine, packaging.name);
  if (PREINST_FAILED.test(result.stderr + result.stdout) && after === before) {
    throw new UpgradeRefusedError(`${machine.name}: the package refused to install over ${before ?? 'nothing'}: ${said.join(' ') || 'its preinst exited non-zero'}`);
  }
  throw new UpgradeFailedError(describeExec(machine, command, result), { code: 'PACKAGE_INSTALL', hint: `see ${machine.name}'s journal in the cell logs` });
}

/** The package's installed version, or null when it is not installed. */
export async function installedVersion(machine: Machine, name: string): Promise<string | null> {
  const shown = await machine.exec(['dpkg-query', '-W', '-f', '${db:Status-Status} ${Version}', name]);
  const [status, version] = shown.stdout.trim().split(' ');
  return shown.exitCode === 0 && status === 'installed' && version ? version : null;
}

/** Whether the package's service is running (systemd's word for it). */
export async function serviceState(machine: Machine, service: string): Promise<string> {
  return (await machine.exec(['systemctl', 'is-active', service])).stdout.trim() || 'unknown';
}

/** Removes the package and its configuration (for machines that outlive the cell: ssh hosts). */
export async function purgePackage(machine: Machine, packaging: VmPackaging): Promise<void> {
  await mustRun(machine, ['apt-get', 'purge', '-y', packaging.name], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

function scriptLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '' && !TOOL_NOISE.test(line))
    .map((line) => line.trim())
    .slice(-12);
}

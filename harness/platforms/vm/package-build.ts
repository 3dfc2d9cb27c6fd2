// The scenario's Linux package of each version a cell installs, built by the scenario's own
// command (the harness knows nothing of .deb internals) into the cell's work folder.
import { userEnvironment } from '../../util/user-environment.ts';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { InfrastructureError } from '../../errors.ts';
import type { Scenario, VmPackaging } from '../../matrix/cell.ts';
import { fillPlaceholders } from '../../matrix/placeholders.ts';

const BUILD_TIMEOUT_MS = 300_000;

/** Builds every version's package into `out`; returns the file of each version. */
export async function buildPackages(scenario: Scenario, versions: string[], out: string, signal: AbortSignal): Promise<Map<string, string>> {
  const packaging = scenario.vm!;
  const files = new Map<string, string>();
  for (const version of new Set(versions)) files.set(version, await buildPackage(packaging, scenario, version, out, signal));
  return files;
}

async function buildPackage(packaging: VmPackaging, scenario: Scenario, version: string, out: string, signal: AbortSignal): Promise<string> {
  const values = { version, out, upgradeStops: scenario.upgradeStops.join(',') };
  const [program, ...args] = packaging.build.command.map((part) => fillPlaceholders(part, values));
  const where = `${scenario.file} vm.package.build`;
  const built = await execa(program!, args, { cwd: packaging.build.cwd, env: userEnvironment(), extendEnv: false, timeout: BUILD_TIMEOUT_MS, cancelSignal: signal, reject: false, all: true });
  if (built.exitCode !== 0) {
    const tail = String(built.all ?? '').trim().split('\n').slice(-10).join('\n  ');
    const why = built.code === 'ENOENT' ? `${program} is not installed` : `exited ${built.exitCode ?? built.signal}`;
    throw new InfrastructureError(`building the package of ${version} failed (${where}): \`${[program, ...args].join(' ')}\` ${why}${tail ? `:\n  ${tail}` : ''}`, {
      code: 'PACKAGE_BUILD',
      hint: 'run the build command by hand in the scenario folder',
    });
  }
  const file = join(out, fillPlaceholders(packaging.file, values));
  if (!(await stat(file).catch(() => null))?.isFile()) {
    throw new InfrastructureError(`the package build of ${version} wrote no ${file} (${where} and vm.package.file disagree)`, { code: 'PACKAGE_BUILD' });
  }
  return file;
}

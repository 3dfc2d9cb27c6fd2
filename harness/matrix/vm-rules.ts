// Named rules for platform vm: a fleet each method can run on, machines of the ssh kind given,
// and a scenario that says how to build its package.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Scenario } from './cell.ts';
import type { FoundIssue } from './found-issue.ts';
import type { CrossRule } from './hop-rules.ts';
import type { MatrixConfig } from './matrix-schema.ts';

const onVm = (config: MatrixConfig) => config.platforms.includes('vm');

/** package-rolling drains nodes one at a time behind HAProxy: it needs two app nodes, a balancer and a database machine. */
export function rollingFleetIsComplete(config: MatrixConfig): FoundIssue[] {
  if (!onVm(config) || !config.methods.includes('package-rolling')) return [];
  const { app, database, balancer } = config.vm.machines;
  const issues: FoundIssue[] = [];
  if (app < 2) issues.push({ path: ['vm', 'machines', 'app'], message: `package-rolling upgrades app nodes one at a time while the others serve: give at least 2 (got ${app})` });
  if (balancer !== 1) issues.push({ path: ['vm', 'machines', 'balancer'], message: 'package-rolling drains each node in HAProxy: give 1 balancer machine' });
  if (database !== 1) issues.push({ path: ['vm', 'machines', 'database'], message: 'package-rolling shares one PostgreSQL machine between the app nodes: give 1 database machine' });
  return issues;
}

/** The ssh kind upgrades machines that exist: they must be named, and their key files found. */
export function sshKindHasMachines(config: MatrixConfig, file?: string): FoundIssue[] {
  if (!onVm(config) || !config.vm.kinds.includes('ssh')) return [];
  const ssh = config.vm.ssh;
  const kind = config.vm.kinds.indexOf('ssh');
  if (!ssh) return [{ path: ['vm', 'kinds', kind], message: 'kind ssh needs machines: vm.ssh.hosts ({ name, role, host, user, key } each), or vm.ssh.startHosts: true to try it on container hosts the harness starts' }];
  if (!('hosts' in ssh)) return [];
  const issues: FoundIssue[] = [];
  if (!ssh.hosts.some((host) => host.role === 'app')) issues.push({ path: ['vm', 'ssh', 'hosts'], message: 'give at least one host with role: app' });
  ssh.hosts.forEach((host, index) => {
    if (file && !existsSync(resolve(dirname(file), host.key))) issues.push({ path: ['vm', 'ssh', 'hosts', index, 'key'], message: `key file ${resolve(dirname(file), host.key)} does not exist` });
  });
  return issues;
}

/** A QEMU fleet is one machine (user-mode networking joins no guests): package-in-place only. */
export function qemuRunsInPlace(config: MatrixConfig): FoundIssue[] {
  if (!onVm(config) || !config.vm.kinds.includes('qemu') || !config.methods.includes('package-rolling')) return [];
  const excluded = config.exclude.some((when) => [when.machine].flat().includes('qemu') && [when.method].flat().includes('package-rolling'));
  return excluded
    ? []
    : [{ path: ['vm', 'kinds', config.vm.kinds.indexOf('qemu')], message: 'a qemu fleet is one machine, so it runs package-in-place only: add exclude: [{ machine: qemu, method: package-rolling }]' }];
}

export const scenarioIsPackagedForVm: CrossRule = (config, scenario: Scenario) => {
  if (!onVm(config)) return [];
  const at = ['platforms', config.platforms.indexOf('vm')];
  if (!scenario.vm) return [{ path: at, message: `scenario ${scenario.name} has no vm section (how to build its Linux package), so platform vm cannot install it` }];
  // The fleet's database machine is PostgreSQL, and the package's configuration is given its URL.
  if (scenario.database === 'none') return [{ path: at, message: `scenario ${scenario.name} says database: none, but platform vm installs packages against a PostgreSQL machine; run it on local or docker` }];
  return [];
};

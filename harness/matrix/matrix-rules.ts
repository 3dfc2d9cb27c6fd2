// Named rules on the matrix file alone (those that need its scenario are in hop-rules.ts).
import type { FoundIssue, PathSegment } from './found-issue.ts';
import { hopsOf } from './hops.ts';
import { httpProbesNeedFrontDoor, kubernetesVersionsNeedClusters, methodsRunOnPlatforms } from './kubernetes-rules.ts';
import { qemuRunsInPlace, rollingFleetIsComplete, sshKindHasMachines } from './vm-rules.ts';
import type { MatrixConfig, When } from './matrix-schema.ts';

export function hopsOrPath(config: MatrixConfig): FoundIssue[] {
  if (config.hops && config.path) return [{ path: ['path'], message: 'give either hops or path, not both' }];
  if (!config.hops && !config.path) return [{ path: [], message: 'give hops (a list of {from, to}) or path (a list of versions)' }];
  return [];
}

export function chainedNeedsPath(config: MatrixConfig): FoundIssue[] {
  return config.chained && !config.path ? [{ path: ['chained'], message: 'chained walks a path: give path (a list of versions) instead of hops' }] : [];
}

export function canaryStepsAscendToFull(config: MatrixConfig): FoundIssue[] {
  const check = (steps: number[] | undefined, path: PathSegment[]): FoundIssue[] => {
    if (!steps) return [];
    const issues: FoundIssue[] = [];
    steps.forEach((step, index) => {
      const previous = steps[index - 1];
      if (previous !== undefined && step <= previous) {
        issues.push({ path: [...path, index], message: `canary steps must ascend: ${step} follows ${previous}` });
      }
    });
    if (steps[steps.length - 1] !== 100) {
      issues.push({ path, message: `canary steps must end at 100 (all traffic on the new version), got [${steps.join(', ')}]` });
    }
    return issues;
  };
  return [
    ...check(config.canary.steps, ['canary', 'steps']),
    ...config.overrides.flatMap((override, index) => check(override.canary?.steps, ['overrides', index, 'canary', 'steps'])),
  ];
}

/** The same platform, method or hop twice would make two cells with one id. */
export function noDuplicates(config: MatrixConfig): FoundIssue[] {
  const duplicates = (values: string[], path: (index: number) => PathSegment[], what: string): FoundIssue[] =>
    values.flatMap((value, index) =>
      values.indexOf(value) < index ? [{ path: path(index), message: `${what} ${value} is listed twice` }] : [],
    );
  return [
    ...duplicates(config.platforms, (index) => ['platforms', index], 'platform'),
    ...duplicates(config.methods, (index) => ['methods', index], 'method'),
    ...duplicates(
      hopsOf(config).map((hop) => `${hop.from} -> ${hop.to}`),
      (index) => (config.hops ? ['hops', index] : ['path', index + 1]),
      'hop',
    ),
  ];
}

/** An empty `when` matches every cell: an exclude would drop them all, an override is not one. */
export function whenNamesSomething(config: MatrixConfig): FoundIssue[] {
  const isEmpty = (when: When) => Object.values(when).every((value) => value === undefined);
  const message = 'name at least one of platform, method, from, to, machine (an empty match applies to every cell)';
  return [
    ...config.overrides.flatMap((override, index) => (isEmpty(override.when) ? [{ path: ['overrides', index, 'when'], message }] : [])),
    ...config.exclude.flatMap((when, index) => (isEmpty(when) ? [{ path: ['exclude', index], message }] : [])),
  ];
}

/**
 * Automatic rollback calls an upgrade off midway and sends it back by its method. Every method of
 * local, docker and the Kubernetes platforms can be called off (a Kubernetes rollout is undone by
 * applying the old version, a SIGTERMed `helm upgrade` is marked failed and rolled back, an
 * operator is given the old version back); apt on a machine must not be killed midway, and canary
 * already rolls back on its own gates.
 */
export function autoRollbackWhereCarriedOut(config: MatrixConfig): FoundIssue[] {
  if (config.autoRollback === undefined && !config.overrides.some((override) => override.autoRollback)) return [];
  const path: PathSegment[] = config.autoRollback !== undefined ? ['autoRollback'] : ['overrides'];
  // An override `when: { platform: X }` (or method) with autoRollback: null answers the issue.
  const turnedOff = (field: 'platform' | 'method', value: string) =>
    config.overrides.some((override) => override.autoRollback === null && Object.keys(override.when).length === 1 && ([override.when[field]].flat() as (string | undefined)[]).includes(value));
  const issues: FoundIssue[] = config.platforms
    .filter((platform) => platform === 'vm' && !turnedOff('platform', platform))
    .map((platform) => ({
      path,
      message: `automatic rollback is not carried out on platform ${platform} (a package manager must not be stopped midway): add an override { when: { platform: ${platform} }, autoRollback: null }`,
    }));
  if (config.methods.includes('canary') && !turnedOff('method', 'canary')) {
    issues.push({ path, message: 'canary rolls back on its own gates between steps: add an override { when: { method: canary }, autoRollback: null }' });
  }
  return issues;
}

export const matrixRules = [
  autoRollbackWhereCarriedOut,
  hopsOrPath,
  chainedNeedsPath,
  canaryStepsAscendToFull,
  noDuplicates,
  whenNamesSomething,
  methodsRunOnPlatforms,
  httpProbesNeedFrontDoor,
  kubernetesVersionsNeedClusters,
  rollingFleetIsComplete,
  sshKindHasMachines,
  qemuRunsInPlace,
];

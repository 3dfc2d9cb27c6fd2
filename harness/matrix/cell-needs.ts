// What a cell needs of the machine that runs it, for a CI system choosing a runner per job
// (`plan --json`): a Docker daemon, a kind binary, a cluster, Chromium.
import type { Cell } from './cell.ts';

export type Need = 'node' | 'docker' | 'kind' | 'k3d' | 'kubectl' | 'kubernetes' | 'helm' | 'chromium' | 'k6';

const byPlatform: Record<string, Need[]> = {
  local: [],
  docker: ['docker'],
  kind: ['docker', 'kind', 'kubectl'],
  k3d: ['docker', 'k3d', 'kubectl'],
  kubernetes: ['kubernetes'],
};

export function cellNeeds(cell: Cell): Need[] {
  const needs = new Set<Need>(['node', ...(byPlatform[cell.platform] ?? [])]);
  if (usesHelm(cell)) needs.add('helm');
  if (cell.probes.browser) needs.add('chromium');
  if (cell.probes.k6) needs.add('k6');
  return [...needs];
}

/** Method helm, or an operator installed from its chart (at any version of the cell's scenario). */
export function usesHelm(cell: Cell): boolean {
  if (cell.method === 'helm') return true;
  const operator = cell.scenario.kubernetes?.operator;
  if (cell.method !== 'operator' || !operator) return false;
  return Boolean(operator.install.chart) || cell.scenario.versions.some((entry) => entry.kubernetes?.operator?.chart);
}

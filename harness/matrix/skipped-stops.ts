import type { Scenario } from './cell.ts';

/** The required upgrade stops strictly between `from` and `to`, in upgrade order. */
export function skippedStops(scenario: Pick<Scenario, 'versions' | 'upgradeStops'>, from: string, to: string): string[] {
  const order = scenario.versions.map((version) => version.version);
  const start = order.indexOf(from);
  const end = order.indexOf(to);
  if (start < 0 || end < 0) return [];
  return order.slice(start + 1, end).filter((version) => scenario.upgradeStops.includes(version));
}

import { resolve } from 'node:path';
import type { Scenario } from './cell.ts';
import { checkConfigFile, configError, type CheckedFile } from './config-file.ts';
import { kubernetesFilesExistUnchecked } from './kubernetes-rules.ts';
import { resolveScenario } from './resolve-scenario.ts';
import { scenarioRules } from './scenario-rules.ts';
import { scenarioSchema, type ScenarioConfig } from './scenario-schema.ts';
import { locate } from './yaml-source.ts';

/** Loads, validates and resolves a scenario file; throws ConfigError carrying every issue. */
export async function loadScenario(file: string): Promise<Scenario> {
  const absolute = resolve(file);
  const checked = await checkScenarioFile(absolute);
  if (checked.issues.length > 0 || !checked.value) throw configError('scenario', absolute, checked.issues);
  return resolveScenario(checked.value, absolute);
}

/** For the matrix loader, which reports a scenario's issues together with its own. */
export async function checkScenarioFile(file: string): Promise<CheckedFile<ScenarioConfig>> {
  const checked = await checkConfigFile(file, scenarioSchema, scenarioRules);
  if (checked.value || !checked.source) return checked;
  // The named rules run only on a scenario that passed its schema; missing files are worth
  // reporting with the schema's issues all the same, except where the schema already points.
  const source = checked.source;
  const missing = kubernetesFilesExistUnchecked(source.data, file)
    .map((issue) => locate(source, issue))
    .filter((issue) => !checked.issues.some((other) => overlaps(issue.path, other.path)));
  return { ...checked, issues: [...checked.issues, ...missing] };
}

/** One dot-path at or inside the other. */
function overlaps(a: string, b: string): boolean {
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(a, b) || within(b, a);
}

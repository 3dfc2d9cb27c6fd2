import { resolve } from 'node:path';
import type { Scenario } from './cell.ts';
import { checkConfigFile, configError, type CheckedFile } from './config-file.ts';
import { resolveScenario } from './resolve-scenario.ts';
import { scenarioRules } from './scenario-rules.ts';
import { scenarioSchema, type ScenarioConfig } from './scenario-schema.ts';

/** Loads, validates and resolves a scenario file; throws ConfigError carrying every issue. */
export async function loadScenario(file: string): Promise<Scenario> {
  const absolute = resolve(file);
  const checked = await checkScenarioFile(absolute);
  if (checked.issues.length > 0 || !checked.value) throw configError('scenario', absolute, checked.issues);
  return resolveScenario(checked.value, absolute);
}

/** For the matrix loader, which reports a scenario's issues together with its own. */
export function checkScenarioFile(file: string): Promise<CheckedFile<ScenarioConfig>> {
  return checkConfigFile(file, scenarioSchema, scenarioRules);
}

import { resolve } from 'node:path';
import type { ConfigIssue } from '../errors.ts';
import type { Cell, Scenario } from './cell.ts';
import { checkConfigFile, configError } from './config-file.ts';
import { expandMatrix } from './expand-matrix.ts';
import { findScenarioFile } from './find-scenario-file.ts';
import { crossRules } from './hop-rules.ts';
import { checkScenarioFile } from './load-scenario.ts';
import { matrixRules } from './matrix-rules.ts';
import { matrixSchema, type MatrixConfig } from './matrix-schema.ts';
import { resolveScenario } from './resolve-scenario.ts';
import type { FoundIssue } from './found-issue.ts';
import { locate, type YamlSource } from './yaml-source.ts';

export interface LoadedMatrix {
  name: string;
  /** Absolute. */
  file: string;
  scenario: Scenario;
  cells: Cell[];
}

/**
 * Loads a matrix and its scenario, validates both, and expands the cells. Throws ConfigError
 * carrying every issue found in either file; nothing is started either way.
 */
export async function loadMatrix(file: string): Promise<LoadedMatrix> {
  const absolute = resolve(file);
  const checked = await checkConfigFile(absolute, matrixSchema, matrixRules);
  const { source, value: config } = checked;
  const issues: ConfigIssue[] = [...checked.issues];
  // The scenario is checked even when the matrix has other problems, so one run shows them all.
  const reference = (source?.data as { scenario?: unknown } | null | undefined)?.scenario;
  const scenario = source && typeof reference === 'string' ? await scenarioFor(reference, absolute, source, issues) : undefined;
  if (!source || !config || !scenario) throw configError('matrix', absolute, issues);

  issues.push(...crossRules.flatMap((rule) => rule(config, scenario)).map((issue) => locate(source, issue)));
  if (issues.length > 0) throw configError('matrix', absolute, issues);
  const cells = expandMatrix(config, scenario, absolute);
  if (cells.length === 0) throw configError('matrix', absolute, [locate(source, emptyMatrix(config))]);
  return { name: config.name, file: absolute, scenario, cells };
}

async function scenarioFor(reference: string, matrixFile: string, source: YamlSource, issues: ConfigIssue[]): Promise<Scenario | undefined> {
  const lookup = findScenarioFile(reference, matrixFile);
  if (!lookup.found) {
    const known = lookup.known.length > 0 ? `; known: ${lookup.known.join(', ')}` : '';
    issues.push(locate(source, { path: ['scenario'], message: `scenario "${reference}" not found; tried ${lookup.tried.join(', ')}${known}` }));
    return undefined;
  }
  const checked = await checkScenarioFile(lookup.file);
  issues.push(...checked.issues);
  return checked.value && checked.issues.length === 0 ? resolveScenario(checked.value, lookup.file) : undefined;
}

function emptyMatrix(config: MatrixConfig): FoundIssue {
  const path = config.exclude.length > 0 ? ['exclude'] : [];
  return { path, message: 'the matrix expands to no cells: every cell is excluded' };
}

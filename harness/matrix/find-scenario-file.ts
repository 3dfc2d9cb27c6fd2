// A matrix's `scenario:` value -> the scenario file it means.
// A bare name is a folder under scenarios/ in the project, else one the harness ships (sample-app,
// for a project that depends on the harness); anything path-like is a file relative to the
// matrix, so a scenario can live anywhere on disk.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../util/package-root.ts';

export type ScenarioLookup = { found: true; file: string } | { found: false; tried: string[]; known: string[] };

export function findScenarioFile(reference: string, matrixFile: string, cwd = process.cwd()): ScenarioLookup {
  const candidates = looksLikePath(reference)
    ? [asFile(resolve(dirname(matrixFile), reference))]
    : scenarioRoots(matrixFile, cwd).map((root) => join(root, 'scenarios', reference, 'scenario.yaml'));
  const file = candidates.find(isFile);
  if (file !== undefined) return { found: true, file };
  const known = looksLikePath(reference) ? [] : [...new Set(scenarioRoots(matrixFile, cwd).flatMap(scenarioNames))].sort();
  return { found: false, tried: candidates, known };
}

/** Where bare scenario names are looked up, the user's project first. */
function scenarioRoots(matrixFile: string, cwd: string): string[] {
  return [...new Set([projectRoot(dirname(matrixFile)) ?? cwd, cwd, packageRoot])];
}

/** The folder holding the nearest package.json at or above `start`. */
export function projectRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function looksLikePath(reference: string): boolean {
  return isAbsolute(reference) || /[\\/]/.test(reference) || /\.ya?ml$/i.test(reference) || reference.startsWith('.');
}

/** A folder means the scenario.yaml inside it. */
function asFile(path: string): string {
  return isDirectory(path) ? join(path, 'scenario.yaml') : path;
}

function scenarioNames(root: string): string[] {
  const folder = join(root, 'scenarios');
  if (!isDirectory(folder)) return [];
  return readdirSync(folder)
    .filter((name) => isFile(join(folder, name, 'scenario.yaml')))
    .sort();
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

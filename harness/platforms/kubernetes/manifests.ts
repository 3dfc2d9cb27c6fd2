// A version's objects from its manifests: a YAML file, or every .yaml/.yml file of a folder in name
// order, each holding one or more documents. Placeholders are filled inside string values after
// parsing, never in the YAML text, so a value can never turn into YAML structure.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../errors.ts';
import { fillPlaceholders } from '../../matrix/placeholders.ts';

/** Values of {{name}} placeholders; a string that is exactly one placeholder takes the value's type (a number stays a number, null removes nothing but is null). */
export type PlaceholderValues = Readonly<Record<string, string | number | null>>;

export async function loadManifests(path: string, values: PlaceholderValues): Promise<k8s.KubernetesObject[]> {
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path)).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join(path, name))
    : [path];
  const objects: k8s.KubernetesObject[] = [];
  for (const file of files) objects.push(...parseManifest(file, await readFile(file, 'utf8'), values));
  return objects;
}

export function parseManifest(file: string, text: string, values: PlaceholderValues): k8s.KubernetesObject[] {
  const objects: k8s.KubernetesObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if ('errors' in document && document.errors.length > 0) {
      const error = document.errors[0]!;
      const line = error.linePos?.[0].line ?? 1;
      throw new ConfigError(`${file}:${line}: ${error.message.split('\n')[0]}`, [{ file, line, column: error.linePos?.[0].col ?? 1, path: '', message: error.message.split('\n')[0]! }]);
    }
    const data: unknown = document.toJS();
    if (data === null || data === undefined) continue;
    if (typeof data !== 'object' || Array.isArray(data) || !('kind' in data) || !('apiVersion' in data)) {
      throw new ConfigError(`${file}: every document must be a Kubernetes object with apiVersion and kind`);
    }
    objects.push(fillValues(data, values) as k8s.KubernetesObject);
  }
  return objects;
}

/** Placeholders filled in every string of a parsed value (keys are left alone). */
export function fillValues(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole && whole[1]! in values) return values[whole[1]!];
    const strings = Object.fromEntries(Object.entries(values).map(([key, v]) => [key, v === null ? '' : String(v)]));
    return fillPlaceholders(value, strings);
  }
  if (Array.isArray(value)) return value.map((item) => fillValues(item, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillValues(item, values)]));
  return value;
}

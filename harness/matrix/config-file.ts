// One configuration file through the pipeline shared by matrices and scenarios:
// read (a regular file, not too large, UTF-8) -> YAML (syntax errors with lines) -> schema -> named rules, collecting every issue.
import type * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import { decodeConfigText } from './config-text-encoding.ts';
import type { FoundIssue } from './found-issue.ts';
import { readConfigFile } from './read-config-file.ts';
import { locate, parseYaml, type YamlSource } from './yaml-source.ts';
import { friendlyMessages, issuesFromZod } from './zod-issues.ts';

/** A named rule; `file` (absolute) lets it check paths the file names relative to itself. */
export type Rule<T> = (value: T, file: string) => FoundIssue[];

export interface CheckedFile<T> {
  /** Absent when the YAML itself is broken. */
  source?: YamlSource;
  /** Present when the schema passed (named rules may still have found issues). */
  value?: T;
  issues: ConfigIssue[];
}

export async function checkConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  rules: readonly Rule<z.output<S>>[],
): Promise<CheckedFile<z.output<S>>> {
  const decoded = decodeConfigText(file, await readConfigFile(file));
  if (!decoded.ok) return { issues: [decoded.issue] };
  const parsed = parseYaml(file, decoded.text);
  if (!parsed.ok) return { issues: parsed.issues };
  const { source } = parsed;
  const result = schema.safeParse(source.data ?? {}, { error: friendlyMessages });
  if (!result.success) return { source, issues: issuesFromZod(result.error, schema, source.data).map((issue) => locate(source, issue)) };
  const found = rules.flatMap((rule) => rule(result.data, file));
  return { source, value: result.data, issues: found.map((issue) => locate(source, issue)) };
}

/** Every issue in file and line order, so the output reads top to bottom. */
export function configError(what: string, file: string, issues: ConfigIssue[]): ConfigError {
  // The file named in the message first, then any other file (a matrix's scenario) by name.
  const rank = (issue: ConfigIssue) => (issue.file === file ? '' : issue.file);
  // Plain comparison, not localeCompare: hundreds of thousands of issues must sort in milliseconds.
  const byFile = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...issues].sort((a, b) => byFile(rank(a), rank(b)) || a.line - b.line || a.column - b.column);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  return new ConfigError(`${what} ${file} has ${count}`, sorted, 'fix each line listed; editors that read the "$schema" comment check these files as you type');
}

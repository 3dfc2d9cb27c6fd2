// Zod issues -> FoundIssue, with messages written for people editing YAML by hand.
import * as z from 'zod';
import { suggestion } from './did-you-mean.ts';
import type { FoundIssue, PathSegment } from './found-issue.ts';
import { objectKeysAt } from './schema-keys.ts';

type Issue = z.core.$ZodIssue;

/** Per-parse error map: plain wording instead of zod's defaults. Schema-level messages win. */
export const friendlyMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required, but missing';
      // YAML's .inf and .nan are numbers to JavaScript, but no count or duration.
      if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return `expected a finite number, got ${issue.input}`;
      return `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, got ${describe(issue.input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${describe(issue.input)}`;
    default:
      return undefined;
  }
};

/** `data` is what was validated: union issues do not carry the input, and messages need it. */
export function issuesFromZod(error: z.ZodError, schema: z.ZodType, data: unknown): FoundIssue[] {
  const convert = (issue: Issue, prefix: PathSegment[]): FoundIssue[] => {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, path);
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: `unknown key ${JSON.stringify(key)}${suggestion(key, known)}` }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = bestBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => convert(inner, path));
      return [{ path, message: `expected ${expectedTypes(issue.errors)}, got ${describe(valueAt(data, path))}` }];
    }
    return [{ path, message: issue.message }];
  };
  return error.issues.flatMap((issue) => convert(issue, []));
}

/**
 * The union branch that got furthest explains the real problem: "unknown method" for a string,
 * the bad item for a list. A branch whose type did not match at all explains nothing.
 */
function bestBranch(branches: Issue[][]): Issue[] | undefined {
  const progress = (issues: Issue[]) => {
    if (issues.some((issue) => issue.path.length === 0 && issue.code === 'invalid_type')) return 0;
    return issues.some((issue) => issue.path.length === 0) ? 1 : 2;
  };
  let best: Issue[] | undefined;
  for (const branch of branches) if (progress(branch) > 0 && (!best || progress(branch) > progress(best))) best = branch;
  return best;
}

function expectedTypes(branches: Issue[][]): string {
  const types = branches.flat().flatMap((issue) => (issue.code === 'invalid_type' && issue.path.length === 0 ? [issue.expected] : []));
  return [...new Set(types)].map(article).join(' or ');
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  return path.reduce<unknown>((value, segment) => (value as Record<PathSegment, unknown> | null | undefined)?.[segment], data);
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  if (type === 'array') return 'a list';
  if (type === 'object' || type === 'record') return 'a mapping';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

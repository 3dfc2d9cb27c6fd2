// The keys an object schema accepts at a dot-path, for "did you mean" on unknown keys.
// Walks zod's definitions (the `_zod.def` that zod documents for library authors).
import type * as z from 'zod';
import type { PathSegment } from './found-issue.ts';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Optional, nullable, default and pipe wrappers hide the schema that describes the shape. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

function child(schema: z.ZodType, segment: PathSegment): z.ZodType[] {
  const def = defOf(schema);
  if (def.type === 'object' && typeof segment === 'string') return def.shape?.[segment] ? [def.shape[segment]] : [];
  if (def.type === 'array' && def.element) return [def.element];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  return [];
}

export function objectKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let nodes = unwrap(schema);
  for (const segment of path) nodes = nodes.flatMap((node) => child(node, segment)).flatMap(unwrap);
  const keys = nodes.flatMap((node) => {
    const def = defOf(node);
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}

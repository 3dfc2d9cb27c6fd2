// Helm values as scenarios write them: for the application's chart and an operator's.
import * as z from 'zod';

/** Helm values: a map, never a list or a scalar (helm's -f takes a map). */
export const valuesSchema = z
  .record(z.string(), z.unknown(), { error: (issue) => (issue.code === 'invalid_type' ? 'values must be a map of keys to values' : undefined) })
  .meta({ id: 'helmValues', description: 'Helm values; strings may hold {{version}}, {{image}}, {{namespace}}, {{nodePort}}' });


import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../harness/matrix/json-schemas.ts';
import { MAX_TIMER_MS } from '../../harness/matrix/duration-schema.ts';

type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; $defs?: Record<string, Schema>; maximum?: number };

/** Every property named ...Ms in a JSON Schema, with its dot-path. */
function durations(node: Schema, path: string, found: [string, Schema][] = []): [string, Schema][] {
  for (const [key, value] of Object.entries(node.properties ?? {})) {
    if (key.endsWith('Ms')) found.push([`${path}.${key}`, value]);
    durations(value, `${path}.${key}`, found);
  }
  for (const option of node.anyOf ?? []) durations(option, path, found);
  if (node.items) durations(node.items, `${path}[]`, found);
  for (const [name, value] of Object.entries(node.$defs ?? {})) durations(value, `#${name}`, found);
  return found;
}

describe('durations in matrix and scenario files', () => {
  it('are all capped at what a Node timer holds (gates are thresholds a measurement is compared with, not waits)', () => {
    const [matrix, scenario] = jsonSchemaFiles().map((file) => JSON.parse(file.content) as Schema);
    const waits = [...durations(matrix!, 'matrix'), ...durations(scenario!, 'scenario')].filter(([path]) => !path.startsWith('#gates.'));
    // The fields the harness waits on, so a new one cannot slip in uncapped unnoticed.
    expect(waits.length).toBeGreaterThanOrEqual(16);
    for (const [path, schema] of waits) {
      expect(schema.maximum, path).toBeDefined();
      expect(schema.maximum!, path).toBeLessThanOrEqual(MAX_TIMER_MS);
    }
    expect(waits.map(([path]) => path)).toEqual(expect.arrayContaining(['matrix.traffic.warmUpMs', 'matrix.deadlineMs', 'matrix.overrides[].canary.stepMs', 'scenario.timeouts.startMs', 'scenario.timeouts.stopGraceMs']));
  });
});

// A release policy: the gates a release manager holds a finished run to (`upgrade-harness gate`),
// in the matrix file's own terms, so the same thresholds read the same way in both places.
import * as z from 'zod';
import { gatesSchema, whenSchema } from '../matrix/matrix-schema.ts';

export const policySchema = z
  .strictObject({
    name: z.string().optional(),
    gates: gatesSchema.optional().meta({ description: 'Thresholds for every cell' }),
    overrides: z
      .array(z.strictObject({ when: whenSchema, gates: gatesSchema }))
      .default([])
      .meta({ description: 'Applied in order to the cells they match' }),
    baseline: z
      .strictObject({
        longestOutageMs: z.number().min(1).optional().meta({ description: 'At most this many times the baseline cell\'s longest outage (plus slackMs)' }),
        p99LatencyMs: z.number().min(1).optional().meta({ description: 'At most this many times the baseline cell\'s p99 latency (plus slackMs)' }),
        slackMs: z.number().min(0).default(50).meta({ description: 'Added to every limit, so a 3 ms baseline does not make 7 ms a regression' }),
        minRuns: z.int().min(1).max(1000).default(3).meta({ description: 'With --history: earlier runs a cell must have passed in before it has a baseline (the P95 of them)' }),
      })
      .optional()
      .meta({ description: 'With `gate --baseline <results.json>` or `gate --history <folder>`: how much worse than the same cell in earlier runs a cell may be' }),
    require: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: 'Cell id globs that must be in the run and pass, e.g. "*/*/rolling"' }),
  })
  .meta({ title: 'upgrade-harness release policy' });

export type Policy = z.output<typeof policySchema>;

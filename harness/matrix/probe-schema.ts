// The scenario's `endpoints` and `probes`: where the app says it is ready and which version it
// runs, and the requests the probes send, in the app's own API (headers, shapes, write bodies).
import * as z from 'zod';
import { JSON_POINTER_PATTERN, jsonTypes } from '../util/json-pointer.ts';

export const httpPath = z.string().startsWith('/', 'must start with "/"');

const NOT_A_POINTER = 'not a JSON pointer: start with "/" and separate names with "/", e.g. /build/version (write ~1 for a "/" inside a name, ~0 for "~")';

export const jsonPointer = z
  .string()
  .regex(JSON_POINTER_PATTERN, NOT_A_POINTER)
  .meta({ id: 'jsonPointer', description: 'A JSON pointer (RFC 6901) into a response body, e.g. /data/0/id' });

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not an HTTP header name');

/** Header values may hold {{setup.NAME}}; every value that does is masked in reports and logs. */
const headersSchema = z
  .record(headerName, z.union([z.string(), z.number()]))
  .default({})
  .meta({ description: 'Request headers; values may hold {{setup.NAME}} (masked in every report and log)' });

const versionEndpoint = z
  .union([
    httpPath,
    z.strictObject({ path: httpPath, json: jsonPointer.meta({ description: 'Where the version is in the JSON body' }) }),
    z.strictObject({ path: httpPath, header: headerName.meta({ description: 'The response header that holds the version' }) }),
  ])
  .meta({
    id: 'versionEndpoint',
    description: 'Where a replica tells its version: a path (X-App-Version header, else a JSON body field "version"), { path, json: <pointer> } or { path, header: NAME }',
  });

export const endpointsSchema = z.strictObject({ health: httpPath, ready: httpPath, version: versionEndpoint });

const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const readProbeSchema = z.strictObject({
  method,
  path: httpPath.meta({ description: 'May hold {{setup.NAME}}' }),
  headers: headersSchema,
  expect: z
    .strictObject({
      status: z.array(z.int().min(100).max(599)).min(1).optional().meta({ description: 'Statuses that count as a right answer; another 2xx or 3xx is wrong-body' }),
      json: z
        .record(z.string(), z.enum(jsonTypes))
        // Checked here rather than as the record's key schema, whose failure zod reports without its message.
        .superRefine((shape, context) => {
          for (const pointer of Object.keys(shape)) {
            if (!JSON_POINTER_PATTERN.test(pointer)) context.addIssue({ code: 'custom', path: [pointer], message: NOT_A_POINTER });
          }
        })
        .optional()
        .meta({ description: 'Pointers into the JSON body and the type each must have; a mismatch, a pointer that does not resolve or a body that is not JSON is wrong-body' }),
    })
    .optional()
    .meta({ description: 'What a right answer looks like; without it, any 2xx or 3xx is' }),
});

const readBackSchema = z
  .union([
    httpPath.meta({ description: 'GET <path>/<key> answers {key, value} or a list of them' }),
    z.strictObject({
      path: httpPath.meta({ description: 'GET path holding {{key}} (URL-encoded), e.g. /api/notes?title={{key}}' }),
      json: jsonPointer.meta({ description: 'Where the written value is in the answer, e.g. /data/0/text' }),
    }),
  ])
  .meta({ id: 'readBack', description: 'How a write is read back; it sends the write probe\'s headers' });

const writeProbeSchema = z.strictObject({
  method,
  path: httpPath.meta({ description: 'May hold {{key}} (URL-encoded) and {{setup.NAME}}' }),
  headers: headersSchema,
  body: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Request body with {{key}} and {{value}} (unique per write) and {{setup.NAME}}; default JSON {"key": ..., "value": ...}' }),
  readBack: readBackSchema,
});

/** The browser probe's journey: load a page, fill its form's text inputs with a unique value, submit, expect the value on the resulting page. */
const browserJourneySchema = z
  .strictObject({
    path: httpPath.default('/').meta({ description: 'Page holding the form' }),
    form: z.string().min(1).default('form').meta({ description: 'CSS selector of the form to fill and submit' }),
  })
  .meta({ id: 'browserJourney', description: 'Browser probe: load path, fill every text input of the form with a unique value, submit, expect that value in the resulting page' });

export const probesSchema = z.strictObject({
  read: readProbeSchema,
  write: writeProbeSchema.optional(),
  browser: browserJourneySchema.optional(),
});

export type ProbesConfig = z.output<typeof probesSchema>;
export type EndpointsConfig = z.output<typeof endpointsSchema>;

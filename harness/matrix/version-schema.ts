import * as z from 'zod';

/** A version names log files (migrate-pre-<version>.log), folders (cells/<id>) and goes into commands. */
export const VERSION_MAX_LENGTH = 64;
// A letter or digit first (no leading dot or dash that reads as a hidden file or an option); no
// slash, no "..", no quotes, spaces or shell characters: nothing a path or a shell would act on.
const VERSION_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const ALLOWED = 'letters, digits, dot, dash, underscore and plus, starting with a letter or digit (no "/", no "..", no quotes or spaces), e.g. 1.1.0 or 2.0.0-rc.1+build.5';

/** YAML reads 1.10 as the number 1.1: a version must stay the text the user wrote. */
export const versionSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `write the version in quotes, e.g. "1.0": YAML reads an unquoted version as a number (here ${issue.input})`
        : undefined,
  })
  // abort: an empty version gets one message ("must not be empty"), not also the pattern's.
  .min(1, { abort: true })
  .max(VERSION_MAX_LENGTH, { error: (issue) => `a version may be at most ${VERSION_MAX_LENGTH} characters, got ${String(issue.input).length}` })
  .regex(VERSION_PATTERN, { error: (issue) => `a version may hold only ${ALLOWED}; got ${JSON.stringify(issue.input)}` })
  .meta({ id: 'version', description: `A version as the scenario lists it: ${ALLOWED}; at most ${VERSION_MAX_LENGTH} characters` });

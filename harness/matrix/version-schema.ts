import * as z from 'zod';

/** YAML reads 1.10 as the number 1.1: a version must stay the text the user wrote. */
export const versionSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `write the version in quotes, e.g. "1.0": YAML reads an unquoted version as a number (here ${issue.input})`
        : undefined,
  })
  .min(1)
  .meta({ id: 'version', description: 'A version as the scenario lists it, e.g. 1.1.0' });

// `npm run schemas`: regenerates the JSON Schema files (matrix, scenario, release policy).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemaFiles } from './json-schemas.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
for (const file of jsonSchemaFiles()) {
  await writeFile(join(projectRoot, file.path), file.content);
  console.log(`wrote ${file.path}`);
}

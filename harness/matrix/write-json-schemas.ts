// `npm run schemas`: regenerates matrices/matrix.schema.json and scenarios/scenario.schema.json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemaFiles } from './json-schemas.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
for (const file of jsonSchemaFiles()) {
  await writeFile(join(projectRoot, file.path), file.content);
  console.log(`wrote ${file.path}`);
}

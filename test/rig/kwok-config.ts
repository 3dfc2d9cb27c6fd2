// kwok's --config file: the Stage objects, as one multi-document YAML.
//
// No KwokConfiguration document on purpose: kwok applies its defaults only when the config has
// none, so one listing just the CIDR leaves e.g. nodeLeaseParallelism at 0 and kwok exits.
// The options go on the command line instead (see components.ts).
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { kwokStages } from './kwok-stages.ts';

export async function writeKwokConfig(path: string): Promise<void> {
  await writeFile(path, kwokStages().map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n'));
}

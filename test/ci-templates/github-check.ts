// The GitHub workflow template: read (github-wiring.ts), then its scripts run (github-steps.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkSteps } from './github-steps.ts';
import { checkWiring } from './github-wiring.ts';
import { section } from './say.ts';
import { repoRoot } from './user-project.ts';
import type { Workflow } from './workflow.ts';

const templatePath = 'templates/ci/github/upgrade-harness.yml';

export async function checkGitHub(project: string): Promise<void> {
  section(`GitHub: ${templatePath}`);
  const text = await readFile(join(repoRoot, templatePath), 'utf8');
  const workflow = parse(text) as Workflow;
  const wiring = await checkWiring(workflow, text, templatePath);
  await checkSteps(project, workflow, wiring);
}

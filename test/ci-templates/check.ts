// `npm run ci-templates:check`: the CI templates in templates/ci/, checked for real. In a throwaway
// user project that depends on this working tree, the GitHub workflow is linted, its wiring
// checked and its scripts run, and the GitLab pipeline runs end to end under gitlab-ci-local.
// Prints each thing it made sure of; exits 1 naming the first problem. The project is removed
// at the end, also after a failure or an interrupt.
import { checkGitHub } from './github-check.ts';
import { checkGitLab } from './gitlab-check.ts';
import { endChildren } from './children.ts';
import { CheckFailure } from './say.ts';
import { createUserProject } from './user-project.ts';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
let interrupted = false;

async function main(): Promise<void> {
  await using project = await createUserProject();
  console.log(`a user project in ${project.dir}, with this working tree as its upgrade-harness dependency`);
  // Interrupted: end the children's process groups first, then remove the project.
  const stop = () => {
    interrupted = true;
    console.error(`\nci-templates: interrupted after ${elapsed()}: stopping the jobs, removing the user project`);
    void endChildren().then(() => project[Symbol.asyncDispose]()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  await checkGitHub(project.dir);
  await checkGitLab(project.dir);
}

try {
  await main();
  console.log(`\nci-templates: both templates check out (${elapsed()})`);
} catch (error) {
  // After an interrupt the killed children's failures are no news: `stop` exits 130.
  if (interrupted) await new Promise(() => undefined);
  const message = error instanceof CheckFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nci-templates: FAILED after ${elapsed()}: ${message}`);
  process.exitCode = 1;
}

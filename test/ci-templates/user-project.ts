// A throwaway user project that depends on the harness, laid out as `npm install` would leave it:
//
//   <tmp>/harness/   a snapshot of this working tree (tracked and new files, as git would commit
//                    them: the harness as it is being changed now), node_modules linked from here
//   <tmp>/project/   the user's git repository: package.json, the templates where a user puts
//                    them, the check's matrices, and node_modules/upgrade-harness -> ../harness
//                    with its bin in node_modules/.bin, so no install is needed
//
// The links are committed: gitlab-ci-local copies only tracked files into a job's folder.
// Everything goes when the project is disposed.
import { execa } from 'execa';
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const binDir = join(repoRoot, 'node_modules', '.bin');
const fixtures = join(import.meta.dirname, 'fixtures');

export const projectMatrix = 'matrices/ci-check.yaml';
/** The same cells with a gate recreate cannot meet. */
export const failingMatrix = 'matrices/ci-check-failing.yaml';
export const kindMatrix = 'matrices/kind.yaml';

/** The user's files: project path -> source. */
const placed: Record<string, string> = {
  '.gitlab-ci.yml': join(fixtures, 'gitlab', 'local.gitlab-ci.yml'),
  'kind.gitlab-ci.yml': join(fixtures, 'gitlab', 'kind.gitlab-ci.yml'),
  'ci/upgrade-harness.gitlab-ci.yml': join(repoRoot, 'templates', 'ci', 'upgrade-harness.gitlab-ci.yml'),
  '.github/workflows/upgrade-harness.yml': join(repoRoot, 'templates', 'ci', 'github', 'upgrade-harness.yml'),
  [projectMatrix]: join(fixtures, 'ci-check.yaml'),
  [failingMatrix]: join(fixtures, 'ci-check-failing.yaml'),
  // Only planned, never run here: a kind matrix of the user's (the harness's own example).
  [kindMatrix]: join(repoRoot, 'matrices', 'kind.yaml'),
};

export interface UserProject extends AsyncDisposable {
  /** The user's repository. */
  dir: string;
}

export async function createUserProject(): Promise<UserProject> {
  const root = await mkdtemp(join(tmpdir(), 'uh-ci-templates-'));
  const dir = join(root, 'project');
  // Retries: after an interrupt, children may still be writing while it goes.
  const project: UserProject = { dir, [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true, maxRetries: 5 }) };
  try {
    const harness = join(root, 'harness');
    await snapshotWorkingTree(harness);
    await symlink(join(repoRoot, 'node_modules'), join(harness, 'node_modules'));
    for (const [to, from] of Object.entries(placed)) await copyInto(dir, to, from);
    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'shop', private: true, devDependencies: { 'upgrade-harness': '*' } }, null, 2)}\n`);
    await installHarness(dir, harness);
    await commitAll(dir);
    return project;
  } catch (error) {
    await project[Symbol.asyncDispose]();
    throw error;
  }
}

async function snapshotWorkingTree(to: string): Promise<void> {
  const { stdout } = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot });
  for (const file of new Set(stdout.split('\0').filter(Boolean))) {
    // A tracked file deleted in the working tree is listed but gone.
    const stat = await lstat(join(repoRoot, file)).catch(() => null);
    if (stat?.isFile()) await copyInto(to, file, join(repoRoot, file));
  }
}

/** What `npm install` leaves for a dependency with a bin: the package and a link to its bin. */
async function installHarness(dir: string, harness: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(harness, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, '.bin'), { recursive: true });
  await symlink(harness, join(modules, 'upgrade-harness'));
  for (const [name, file] of Object.entries(manifest.bin)) {
    await symlink(relative(join(modules, '.bin'), join(modules, 'upgrade-harness', file)), join(modules, '.bin', name));
  }
}

async function copyInto(dir: string, to: string, from: string): Promise<void> {
  await mkdir(dirname(join(dir, to)), { recursive: true });
  await copyFile(from, join(dir, to));
}

async function commitAll(dir: string): Promise<void> {
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=ci-templates check', '-c', 'user.email=check@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all', '--force');
  await git('commit', '--quiet', '--message', 'a user project');
  // gitlab-ci-local derives CI_PROJECT_PATH and the default branch from the origin remote.
  await git('remote', 'add', 'origin', 'https://gitlab.example.invalid/acme/shop.git');
  await git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
}

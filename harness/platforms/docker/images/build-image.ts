// Builds one image with `docker build`, skipped when an image of that name already carries the
// hash of exactly the same inputs (Dockerfile, files sent, build arguments, base image ids).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, lstat, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, inspectImage } from '../../../tools/docker-cli.ts';
import { INPUTS_HASH_LABEL } from '../image-names.ts';

export interface ImageRecipe {
  tag: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** What the build sees: each absolute `from` (file or folder) appears at `to` in the context. */
  files: { from: string; to: string }[];
  args: Record<string, string>;
  /** Anything else the image depends on, such as the id of the image it starts FROM. */
  extraInputs: string[];
}

export interface BuiltImage {
  tag: string;
  id: string;
  /** False when the cached image was kept. */
  built: boolean;
  durationMs: number;
}

const DOCKERFILE_IN_CONTEXT = '.upgrade-harness.Dockerfile';

export async function buildCachedImage(recipe: ImageRecipe, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<BuiltImage> {
  const started = performance.now();
  const hash = await inputsHash(recipe);
  const existing = await inspectImage(recipe.tag);
  if (!options.force && existing && existing.labels[INPUTS_HASH_LABEL] === hash) {
    return { tag: recipe.tag, id: existing.id, built: false, durationMs: Math.round(performance.now() - started) };
  }
  const context = await mkdtemp(join(tmpdir(), 'upgrade-harness-build-'));
  try {
    for (const { from, to } of recipe.files) await cp(from, join(context, to), { recursive: true, dereference: true });
    await cp(recipe.dockerfile, join(context, DOCKERFILE_IN_CONTEXT));
    const args = Object.entries(recipe.args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]);
    await docker(['build', '--quiet', '--rm', '--force-rm', '-f', join(context, DOCKERFILE_IN_CONTEXT), ...args, '--label', `${INPUTS_HASH_LABEL}=${hash}`, '-t', recipe.tag, context], {
      timeoutMs: 900_000,
      signal: options.signal,
    });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  const id = (await inspectImage(recipe.tag))?.id ?? '';
  // The image the tag named before is now nameless: remove it, unless a container still uses it.
  if (existing && existing.id !== id) await docker(['image', 'rm', existing.id], { timeoutMs: 60_000 }).catch(() => undefined);
  return { tag: recipe.tag, id, built: true, durationMs: Math.round(performance.now() - started) };
}

/** sha256 over the Dockerfile, the arguments, the extra inputs and every file's context path, mode and bytes. */
export async function inputsHash(recipe: ImageRecipe): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`dockerfile\0${await readFile(recipe.dockerfile, 'utf8')}\0`);
  for (const [key, value] of Object.entries(recipe.args).sort(([a], [b]) => a.localeCompare(b))) hash.update(`arg\0${key}=${value}\0`);
  for (const input of recipe.extraInputs) hash.update(`input\0${input}\0`);
  const entries = (await Promise.all(recipe.files.map(({ from, to }) => listFiles(from, to)))).flat();
  entries.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  for (const entry of entries) {
    hash.update(`file\0${entry.to}\0${entry.mode}\0`);
    await new Promise<void>((resolve, reject) => {
      createReadStream(entry.from).on('data', (chunk) => hash.update(chunk)).on('end', resolve).on('error', reject);
    });
  }
  return hash.digest('hex').slice(0, 32);
}

async function listFiles(from: string, to: string): Promise<{ from: string; to: string; mode: number }[]> {
  const stats = await lstat(from);
  if (stats.isSymbolicLink()) {
    // cp dereferences links, so the hash follows them too.
    return listFiles(await realpath(from), to);
  }
  if (!stats.isDirectory()) return [{ from, to, mode: stats.mode & 0o777 }];
  const names = await readdir(from);
  return (await Promise.all(names.map((name) => listFiles(join(from, name), join(to, name))))).flat();
}

// The Debian base image, made without a registry: debootstrap a minimal bookworm from the
// machine's mirror, then `docker import` the folder (about 30 s). Cached like every image.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../../../errors.ts';
import { docker, inspectImage } from '../../../tools/docker-cli.ts';
import { runTool } from '../../../tools/run-tool.ts';
import { BASE_IMAGE, INPUTS_HASH_LABEL } from '../image-names.ts';
import { debianMirror } from './apt-mirror.ts';
import type { BuiltImage } from './build-image.ts';

const SUITE = 'bookworm';
const VARIANT = 'minbase';
/** Raise when the recipe below changes in a way the hash cannot see. */
const RECIPE = 1;

export async function buildBaseImage(options: { force?: boolean; signal?: AbortSignal } = {}): Promise<BuiltImage> {
  const started = performance.now();
  const mirror = await debianMirror();
  const hash = createHash('sha256').update(JSON.stringify({ SUITE, VARIANT, mirror, RECIPE })).digest('hex').slice(0, 32);
  const existing = await inspectImage(BASE_IMAGE);
  if (!options.force && existing && existing.labels[INPUTS_HASH_LABEL] === hash) {
    return { tag: BASE_IMAGE, id: existing.id, built: false, durationMs: Math.round(performance.now() - started) };
  }
  if (process.getuid?.() !== 0) {
    throw new InfrastructureError('building the Debian base image needs root (debootstrap)', { code: 'NEEDS_ROOT', hint: 'run `upgrade-harness images build` as root, or sudo' });
  }
  const work = await mkdtemp(join(tmpdir(), 'upgrade-harness-rootfs-'));
  try {
    const rootfs = join(work, 'rootfs');
    await runTool('debootstrap', [`--variant=${VARIANT}`, SUITE, rootfs, mirror], {
      timeoutMs: 600_000,
      signal: options.signal,
      installHint: 'apt-get install -y debootstrap',
    });
    const tarball = join(work, 'rootfs.tar');
    await runTool('tar', ['-C', rootfs, '-cf', tarball, '.'], { timeoutMs: 300_000, signal: options.signal });
    await docker(['import', '--change', `LABEL ${INPUTS_HASH_LABEL}=${hash}`, '--change', 'CMD ["/bin/bash"]', tarball, BASE_IMAGE], {
      timeoutMs: 300_000,
      signal: options.signal,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const id = (await inspectImage(BASE_IMAGE))?.id ?? '';
  return { tag: BASE_IMAGE, id, built: true, durationMs: Math.round(performance.now() - started) };
}

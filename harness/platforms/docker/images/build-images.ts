// `upgrade-harness images build`: the Debian base, Node on it, PostgreSQL, HAProxy, then every
// scenario's app image per version. Each step is cached on the hash of its inputs, and every
// image's hash includes the id of the image it starts from, so a rebuilt base rebuilds the rest.
import { join, relative, resolve } from 'node:path';
import type { ImageBuildSpec, Scenario } from '../../../matrix/cell.ts';
import { packageRoot } from '../../../util/package-root.ts';
import { CONTAINER_HOST_IMAGE } from '../../vm/machines/container-host.ts';
import { BASE_IMAGE, HAPROXY_IMAGE, NODE_IMAGE, POSTGRES_IMAGE } from '../image-names.ts';
import { buildBaseImage } from './base-image.ts';
import { buildCachedImage, type BuiltImage, type ImageRecipe } from './build-image.ts';
import { packageClosure } from './node-packages.ts';

// The Dockerfiles are not code: the built package ships them at their source path.
const here = join(packageRoot, 'harness', 'platforms', 'docker', 'images');

export interface BuildImagesOptions {
  scenarios: Scenario[];
  force?: boolean;
  signal?: AbortSignal;
  /** Called as each image is ready (built or kept). */
  onImage?(image: BuiltImage): void;
}

export async function buildImages(options: BuildImagesOptions): Promise<BuiltImage[]> {
  const done: BuiltImage[] = [];
  const step = async (build: () => Promise<BuiltImage>) => {
    const image = await build();
    done.push(image);
    options.onImage?.(image);
    return image;
  };
  const flags = { force: options.force, signal: options.signal };
  const base = await step(() => buildBaseImage(flags));
  const onBase = (tag: string, dockerfile: string, files: ImageRecipe['files'] = []): ImageRecipe => ({
    tag,
    dockerfile: join(here, dockerfile),
    files,
    args: { BASE_IMAGE },
    extraInputs: [base.id],
  });
  const node = await step(() => buildCachedImage(onBase(NODE_IMAGE, 'node.Dockerfile', [{ from: process.execPath, to: 'node' }]), flags));
  await step(() => buildCachedImage(onBase(POSTGRES_IMAGE, 'postgres.Dockerfile', [{ from: join(here, 'postgres-entrypoint.sh'), to: 'postgres-entrypoint.sh' }]), flags));
  await step(() => buildCachedImage(onBase(HAPROXY_IMAGE, 'haproxy.Dockerfile'), flags));
  // The vm platform's container hosts: one image for every role of a fleet.
  const machineDockerfile = join(packageRoot, 'harness', 'platforms', 'vm', 'images', 'container-host.Dockerfile');
  await step(() => buildCachedImage({ ...onBase(CONTAINER_HOST_IMAGE, 'unused'), dockerfile: machineDockerfile }, flags));
  for (const scenario of options.scenarios) {
    const specs = [...scenario.versions.flatMap((version) => (version.image ? [version.image] : [])), ...(scenario.operatorImage ? [scenario.operatorImage] : [])];
    for (const spec of specs) {
      const recipe = await appRecipe(spec, node.id);
      await step(() => buildCachedImage(recipe, flags));
    }
  }
  return done;
}

/** The scenario's own Dockerfile, with its included paths and npm packages, on the Node image. */
export async function appRecipe(spec: ImageBuildSpec, nodeImageId: string): Promise<ImageRecipe> {
  const files = spec.include.map((path) => ({ from: resolve(spec.context, path), to: relative(spec.context, resolve(spec.context, path)) || '.' }));
  const packages = await packageClosure(spec.nodePackages, spec.context);
  for (const [name, dir] of packages) files.push({ from: dir, to: join('node_modules', name) });
  return { tag: spec.tag, dockerfile: spec.dockerfile, files, args: { NODE_IMAGE, BASE_IMAGE, ...spec.args }, extraInputs: [nodeImageId] };
}

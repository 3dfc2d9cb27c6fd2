import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Scenario } from '../matrix/cell.ts';
import { findScenarioFile, projectRoot } from '../matrix/find-scenario-file.ts';
import { loadScenario } from '../matrix/load-scenario.ts';
import { ConfigError } from '../errors.ts';
import { buildImages } from '../platforms/docker/images/build-images.ts';

export interface ImagesBuildOptions {
  /** Scenario names (folders under scenarios/) or scenario files; default every scenario with `images`. */
  scenario?: string[];
  force?: boolean;
}

/** `upgrade-harness images build`: the images the docker platform runs, built locally and cached. */
export async function imagesBuildCommand(options: ImagesBuildOptions): Promise<number> {
  const scenarios = await scenariosToBuild(options.scenario ?? []);
  const started = performance.now();
  const images = await buildImages({
    scenarios,
    force: options.force,
    onImage: (image) => {
      const how = image.built ? `built in ${(image.durationMs / 1000).toFixed(1)} s` : 'up to date';
      process.stdout.write(`${image.tag.padEnd(40)} ${how}\n`);
    },
  });
  await qemuImage(options.force);
  const built = images.filter((image) => image.built).length;
  process.stdout.write(`images: ${images.length} ready (${built} built) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

async function scenariosToBuild(references: string[]): Promise<Scenario[]> {
  const root = projectRoot(process.cwd()) ?? process.cwd();
  if (references.length === 0) {
    const names = await readdir(join(root, 'scenarios'), { withFileTypes: true }).catch(() => []);
    const files = names.filter((entry) => entry.isDirectory()).map((entry) => join(root, 'scenarios', entry.name, 'scenario.yaml'));
    const loaded = await Promise.all(files.map((file) => loadScenario(file).catch(() => null)));
    return loaded.filter((scenario): scenario is Scenario => scenario !== null && scenario.versions.some((version) => version.image));
  }
  return Promise.all(
    references.map(async (reference) => {
      // A path is the user's, relative to where they are; a bare name is a folder under scenarios/.
      const found = findScenarioFile(reference, join(process.cwd(), 'any.yaml'));
      if (!found.found) throw new ConfigError(`no scenario ${reference} (tried ${found.tried.join(', ')})`, [], `known: ${found.known.join(', ')}`);
      return loadScenario(resolve(found.file));
    }),
  );
}

/** The vm platform's QEMU disk image, where QEMU is installed (it is cached like the images). */
async function qemuImage(force: boolean | undefined): Promise<void> {
  const { runTool } = await import('../tools/run-tool.ts');
  const present = await runTool('qemu-system-x86_64', ['--version'], { timeoutMs: 10_000 }).then(() => true, () => false);
  if (!present) {
    process.stdout.write(`${'qemu machine image'.padEnd(40)} skipped: qemu-system-x86_64 is not installed (apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils)\n`);
    return;
  }
  const { buildQemuImage } = await import('../platforms/vm/machines/qemu-image.ts');
  const image = await buildQemuImage({ force, onProgress: (step) => process.stdout.write(`  qemu image: ${step}\n`) });
  process.stdout.write(`${'qemu machine image'.padEnd(40)} ${image.built ? `built in ${(image.durationMs / 1000).toFixed(1)} s` : 'up to date'} (${image.dir})\n`);
}

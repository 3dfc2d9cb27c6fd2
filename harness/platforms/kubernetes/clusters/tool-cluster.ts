// One cluster created by a tool (kind, k3d): created, waited for until it is really ready, deleted
// again on any failure on the way, and once more when disposed. Images are loaded at most once each,
// however many cells of a shared cluster ask for them.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../../errors.ts';
import { ToolMissingError } from '../../../tools/run-tool.ts';
import type { ClusterDriver } from './cluster-driver.ts';
import { createClusterWorkDir } from './cluster-work-dir.ts';
import { planSlots, SlotPool } from './front-door-slots.ts';
import { waitClusterReady } from './wait-cluster-ready.ts';

export interface ToolClusterOptions {
  runId: string;
  name: string;
  kubernetesVersion?: string;
  /** Front doors to publish. */
  slotCount: number;
  /** The tools' output lands in `<logDir>/<tool>-<name>.log`. */
  logDir: string;
  event(message: string): void;
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

export interface ToolCluster extends AsyncDisposable {
  readonly tool: ClusterDriver['tool'];
  readonly name: string;
  readonly kubernetesVersion: string | undefined;
  readonly kubeconfig: string;
  readonly context: string;
  readonly frontDoors: SlotPool;
  /** Loads the images not loaded yet (by name); `event` tells the asking cell. */
  loadImages(images: readonly string[], event: (message: string) => void, signal?: AbortSignal): Promise<void>;
}

export async function createToolCluster(driver: ClusterDriver, options: ToolClusterOptions): Promise<ToolCluster> {
  const { tool } = driver;
  const { name } = options;
  const log = clusterLog(options.logDir, `${tool}-${name}.log`);
  const workDir = await createClusterWorkDir(options.runId, name);
  const kubeconfig = join(workDir.path, 'kubeconfig');
  let context: string;
  let frontDoors: SlotPool;
  const started = performance.now();
  try {
    const slots = await planSlots(options.slotCount);
    frontDoors = new SlotPool(slots);
    const created = await driver.create({ name, kubernetesVersion: options.kubernetesVersion, slots, workDir: workDir.path, kubeconfig, signal: options.signal });
    context = created.context;
    await log(created.output);
    await waitClusterReady(kubeconfig, context, { signal: options.signal, timeoutMs: options.readyTimeoutMs });
  } catch (error) {
    await log(`creating ${tool} cluster ${name} failed: ${(error as Error).message}`);
    // Both tools roll back their own failed creates, but not a cluster that never got ready; the
    // delete is idempotent either way (kind docs: `delete cluster` "is an idempotent operation";
    // k3d: "No nodes found for cluster ..., nothing to delete").
    await driver.delete(name, kubeconfig).then(log, (cause: unknown) => log(`deleting ${name} after the failure failed too: ${(cause as Error).message}`));
    await workDir[Symbol.asyncDispose]();
    throw createFailure(tool, name, error, join(options.logDir, `${tool}-${name}.log`), options.signal);
  }
  options.event(`${tool} cluster ${name} created in ${Math.round(performance.now() - started)} ms`);

  const loaded = new Map<string, Promise<void>>();
  let disposed: Promise<void> | undefined;
  return {
    tool,
    name,
    kubernetesVersion: options.kubernetesVersion,
    kubeconfig,
    context,
    frontDoors,
    async loadImages(images, event, signal) {
      const missing = [...new Set(images)].filter((image) => !loaded.has(image));
      if (missing.length > 0) {
        const begun = performance.now();
        const loading = driver.loadImages(name, missing, signal).then(async (output) => {
          await log(output);
          event(`loaded ${missing.length} image${missing.length === 1 ? '' : 's'} into ${tool} cluster ${name} in ${Math.round(performance.now() - begun)} ms`);
        });
        for (const image of missing) loaded.set(image, loading);
        // Failed loads are forgotten, so the next cell that needs them tries again.
        loading.catch(() => {
          for (const image of missing) if (loaded.get(image) === loading) loaded.delete(image);
        });
      }
      const waits = images.map((image) => loaded.get(image));
      try {
        await Promise.all(waits);
      } catch (error) {
        if (error instanceof ToolMissingError || signal?.aborted) throw error;
        throw new InfrastructureError(`could not load images into ${tool} cluster ${name}: ${(error as Error).message}`, {
          code: 'CLUSTER_IMAGE_LOAD_FAILED',
          hint: 'check that the images exist locally (docker image ls) and that Docker has disk space left',
          cause: error,
        });
      }
    },
    [Symbol.asyncDispose]() {
      disposed ??= (async () => {
        try {
          await log(await driver.delete(name, kubeconfig));
        } catch (error) {
          throw new InfrastructureError(`could not delete ${tool} cluster ${name}: ${(error as Error).message}`, {
            code: 'CLUSTER_DELETE_FAILED',
            hint: `run \`upgrade-harness gc\` once no run is active, or \`${tool === 'kind' ? `kind delete cluster --name ${name}` : `k3d cluster delete ${name}`}\``,
            cause: error,
          });
        } finally {
          await workDir[Symbol.asyncDispose]();
        }
      })();
      return disposed;
    },
  };
}

/** What the CLI shows: the tool's own message (with its stderr tail) and where its whole output is. */
function createFailure(tool: string, name: string, error: unknown, logFile: string, signal?: AbortSignal): unknown {
  // A missing tool already names itself and how to install it; an abort is no infrastructure fault.
  if (error instanceof ToolMissingError || signal?.aborted) return error;
  return new InfrastructureError(`could not create ${tool} cluster ${name}: ${(error as Error).message}`, {
    code: 'CLUSTER_CREATE_FAILED',
    hint: `the ${tool} output is in ${logFile}; check that Docker runs (docker info) and has memory and disk to spare`,
    cause: error,
  });
}

/** Appends to the cluster's log in the cell's log folder; a log that cannot be written must not hide what happened. */
function clusterLog(logDir: string, file: string): (text: string) => Promise<void> {
  return async (text) => {
    if (text.trim() === '') return;
    try {
      await mkdir(logDir, { recursive: true });
      await appendFile(join(logDir, file), `${text.trimEnd()}\n`);
    } catch {
      // The cluster's fate is reported through errors and events; the log is a courtesy.
    }
  };
}

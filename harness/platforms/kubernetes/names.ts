// Names and labels of what the harness creates in a cluster. Label values are short and safe by
// construction; the full cell id goes in an annotation.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

export const RUN_LABEL = 'upgrade-harness.io/run';
export const CELL_LABEL = 'upgrade-harness.io/cell';
export const OWNER_PID_LABEL = 'upgrade-harness.io/owner-pid';
export const HOST_LABEL = 'upgrade-harness.io/host';
export const CELL_ID_ANNOTATION = 'upgrade-harness.io/cell-id';
/** Added to blue-green and canary pods and selectors: which version's Deployment a pod belongs to. */
export const SLOT_LABEL = 'upgrade-harness.io/slot';

/** A DNS label: lower-case letters, digits and dashes, at most `max` characters. */
export function dnsLabel(text: string, max = 63): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, max).replace(/-$/, '');
}

export const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** `uh-rolling-1-0-0-to-1-1-0-3fa4c2d1`: readable, unique per run and cell, a valid namespace name. */
export function namespaceName(runId: string, cellId: string): string {
  const readable = dnsLabel(cellId.split('/').slice(1).reverse().join('-'), 40);
  return `uh-${readable}-${shortHash(`${runId}/${cellId}`)}`;
}

/** The label form of a version (1.1.0 -> 1-1-0), for names like web-1-1-0. */
export const versionSlug = (version: string): string => dnsLabel(version, 10) || shortHash(version);

export function cellLabels(runId: string, cellId: string): Record<string, string> {
  return {
    [RUN_LABEL]: runId,
    [CELL_LABEL]: shortHash(cellId),
    [OWNER_PID_LABEL]: String(process.pid),
    [HOST_LABEL]: dnsLabel(hostname()) || 'unknown',
  };
}

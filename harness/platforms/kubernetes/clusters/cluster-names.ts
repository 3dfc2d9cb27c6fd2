// Names of the clusters the harness creates: `uh-<runId>-<suffix>`. gc reads the run id back out of
// the name (kind and k3d keep no labels of ours), so the run id goes in unchanged; the suffix is one
// letter (c: a cell's own cluster, r: the run's shared cluster) and five base-36 characters hashed
// from the cell id or the Kubernetes version.
//
// Limits: k3d allows at most 32 characters and an RFC 1123 host name (k3d pkg/client/clusterName.go
// CheckName, types.DefaultClusterNameMaxLength = 32); kind wants `^[a-z0-9.-]+$` (kind
// pkg/internal/apis/config/validate.go) and warns beyond 50. A run id of newRunId()
// (`20261201-193616-a1b2c3`, 22 characters) fills the 32 exactly: 3 + 22 + 1 + 6.
import { createHash } from 'node:crypto';
import { CLUSTER_NAME_PREFIX } from './cluster-provider.ts';

/** k3d's limit, the shorter of the two tools'. */
export const CLUSTER_NAME_MAX_LENGTH = 32;
const SUFFIX_LENGTH = 6;
const MAX_RUN_ID_LENGTH = CLUSTER_NAME_MAX_LENGTH - CLUSTER_NAME_PREFIX.length - 1 - SUFFIX_LENGTH;
// Lower case only (kind rejects capitals), hyphen-separated, no leading or trailing hyphen (RFC 1123).
const RUN_ID_FORM = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NAME_FORM = new RegExp(`^${CLUSTER_NAME_PREFIX}([a-z0-9]+(?:-[a-z0-9]+)*)-[cr][a-z0-9]{${SUFFIX_LENGTH - 1}}$`);

/** The cluster a cell creates for itself. */
export function perCellClusterName(runId: string, cellId: string): string {
  return clusterName(runId, `c${shortHash(cellId)}`);
}

/** The cluster the run's cells share, one per Kubernetes version (absent: the tool's default). */
export function perRunClusterName(runId: string, kubernetesVersion?: string): string {
  return clusterName(runId, `r${shortHash(kubernetesVersion ?? '')}`);
}

/** The run that created a cluster of this name, or null when the harness did not name it. */
export function runIdOfClusterName(name: string): string | null {
  return NAME_FORM.exec(name)?.[1] ?? null;
}

function clusterName(runId: string, suffix: string): string {
  if (!RUN_ID_FORM.test(runId) || runId.length > MAX_RUN_ID_LENGTH) {
    throw new Error(`run id "${runId}" cannot name a cluster: at most ${MAX_RUN_ID_LENGTH} characters of a-z, 0-9 and inner hyphens`);
  }
  return `${CLUSTER_NAME_PREFIX}${runId}-${suffix}`;
}

/** Five base-36 characters: 36^5 (60 million) values, so a run's cells do not collide in practice. */
function shortHash(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  const value = digest.readUInt32BE(0) * 256 + digest.readUInt8(4);
  return (value % 36 ** (SUFFIX_LENGTH - 1)).toString(36).padStart(SUFFIX_LENGTH - 1, '0');
}

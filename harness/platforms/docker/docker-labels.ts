// Docker labels with the meaning of runner/labels.ts: every container and network a run creates
// carries them, so whatever a killed run left behind can be found and removed (`upgrade-harness gc`).
import { thisHost } from '../../runner/run-lease.ts';

export const DOCKER_RUN_ID_LABEL = 'upgrade-harness.run-id';
export const DOCKER_CELL_ID_LABEL = 'upgrade-harness.cell-id';
/** Process id of the harness that owns the run (for people; gc judges by the run's lease). */
export const DOCKER_OWNER_PID_LABEL = 'upgrade-harness.owner-pid';
/** The host that made it: gc only collects its own host's, so hosts sharing one daemon leave each other alone. */
export const DOCKER_HOST_LABEL = 'upgrade-harness.host';
/** What the resource is for (database, front-door, replica, migration, network). */
export const DOCKER_ROLE_LABEL = 'upgrade-harness.role';

export function dockerLabels(runId: string, cellId: string, role: string): Record<string, string> {
  return {
    [DOCKER_RUN_ID_LABEL]: runId,
    [DOCKER_CELL_ID_LABEL]: cellId,
    [DOCKER_OWNER_PID_LABEL]: String(process.pid),
    [DOCKER_HOST_LABEL]: thisHost(),
    [DOCKER_ROLE_LABEL]: role,
  };
}

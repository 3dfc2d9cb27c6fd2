// Every process a run starts carries these in its environment, and every container these labels,
// so whatever a killed run left behind can be found and removed (testcontainers' reaper idea).
export const RUN_ID_LABEL = 'UPGRADE_HARNESS_RUN_ID';
export const CELL_ID_LABEL = 'UPGRADE_HARNESS_CELL_ID';
/** Process id of the harness that owns the run: when it is gone, the run's leftovers are garbage. */
export const OWNER_PID_LABEL = 'UPGRADE_HARNESS_OWNER_PID';

export function processLabels(runId: string, cellId: string): Record<string, string> {
  return { [RUN_ID_LABEL]: runId, [CELL_ID_LABEL]: cellId, [OWNER_PID_LABEL]: String(process.pid) };
}

// A red verdict must mean the product is at fault. Where the harness or the machine was starved,
// the evidence decides: failed requests inside starved windows are set aside and the gates judged
// again; a timing-dependent failure (a wait that ran out, a canary's gates) counts only if the
// machine was not starved for a real share of the phase it happened in. What the starvation alone
// explains becomes an `error` (STARVED: no verdict, exit 3) that says what was starved, how long.
import { UpgradeFailedError } from '../errors.ts';
import { describeStarvation, starvedMsWithin, type StarvedWindow } from '../health/starved-windows.ts';
import type { CellError, CellStatus, GateResult } from '../results.ts';

/** A timing-dependent failure is put down to starvation when at least this share of its phase was starved. */
export const STARVED_SHARE_OF_PHASE = 0.1;

export interface VerdictInput {
  status: CellStatus;
  error: CellError | null;
  /** The error as thrown, to know whether it depends on timing. */
  thrown: unknown;
  gates: GateResult[];
  windows: StarvedWindow[];
  /** The gates again, on the traffic outside the starved windows. */
  gatesOutsideWindows: () => GateResult[];
  /** The phase the cell's error happened in. */
  failedPhase: { name: string; startMs: number; endMs: number } | null;
}

const HINT = 'rerun on a quieter runner (or with fewer cells at once), lower traffic.rate, or raise the starvation thresholds in the matrix';

export function judgeWithStarvation(input: VerdictInput): { status: CellStatus; error: CellError | null } {
  const unchanged = { status: input.status, error: input.error };
  if (input.windows.length === 0) return unchanged;
  const what = describeStarvation(input.windows);
  // No verdict anyway (past its deadline, an environment that timed out starting): say what
  // slowed the cell down where it was starved for a real share of the phase it broke in.
  if (input.status === 'error' && input.error && input.error.kind === 'infrastructure') {
    const starvedShare = input.failedPhase ? starvedMsWithin(input.windows, input.failedPhase.startMs, input.failedPhase.endMs) / Math.max(1, input.failedPhase.endMs - input.failedPhase.startMs) : 0;
    const explained = input.error.code === 'DEADLINE' || starvedShare >= STARVED_SHARE_OF_PHASE;
    return explained ? { status: input.status, error: { ...input.error, message: `${input.error.message}, starved: ${what}` } } : unchanged;
  }
  if (input.status !== 'failed') return unchanged;
  if (!input.error) {
    const breached = input.gates.filter((gate) => !gate.passed);
    if (input.gatesOutsideWindows().some((gate) => !gate.passed)) return unchanged;
    const gates = breached.map((gate) => `${gate.name} ${gate.actual}`).join(', ');
    return starved(`the gates broke (${gates}) only through requests in starved moments: ${what}; outside them every gate holds`);
  }
  const phase = input.failedPhase;
  if (!(input.thrown instanceof UpgradeFailedError) || !input.thrown.timingDependent || !phase) return unchanged;
  const spanMs = Math.max(1, phase.endMs - phase.startMs);
  const starvedMs = starvedMsWithin(input.windows, phase.startMs, phase.endMs);
  if (starvedMs < STARVED_SHARE_OF_PHASE * spanMs) return unchanged;
  const first = input.error.message.split('\n')[0];
  return starved(`${first} - but the machine was starved for ${Math.round(starvedMs)} ms of the ${Math.round(spanMs)} ms of ${phase.name}: ${what}`);
}

function starved(message: string): { status: CellStatus; error: CellError } {
  return { status: 'error', error: { code: 'STARVED', message, hint: HINT, kind: 'infrastructure' } };
}

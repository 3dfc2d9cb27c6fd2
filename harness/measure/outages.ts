import { outcomeClasses } from '../traffic/outcome.ts';
import type { RecordStore } from '../traffic/record-store.ts';
import { upstreamCauses } from '../traffic/upstream-cause.ts';

/** An outage on the monotonic clock, before it is dressed for results.json. */
export interface RawOutage {
  startMs: number;
  endMs: number;
  failures: number;
  /** Failures per outcome code. */
  causes: Uint32Array;
  /** Failures per upstream cause code (upstream-cause.ts); index 0 counts those the front door did not explain. */
  upstreamCauses: Uint32Array;
  /** Record index of the first failure (its send time is startMs). */
  firstFailure: number;
}

/**
 * An outage is a run of failed requests in send order: it starts at the send time of its
 * first failure and ends at the send time of the next success; one still open at the end of
 * the window ends there. Outages therefore never overlap and lie within the window.
 */
export function findOutages(records: RecordStore, order: Uint32Array, windowEndMs: number): RawOutage[] {
  const outages: RawOutage[] = [];
  let open: RawOutage | null = null;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    if (records.failed(i)) {
      open ??= {
        startMs: records.sentMs(i),
        endMs: windowEndMs,
        failures: 0,
        causes: new Uint32Array(outcomeClasses.length),
        upstreamCauses: new Uint32Array(upstreamCauses.length),
        firstFailure: i,
      };
      open.failures++;
      const code = records.outcome(i);
      open.causes[code] = (open.causes[code] ?? 0) + 1;
      const cause = records.upstreamCause(i);
      open.upstreamCauses[cause] = (open.upstreamCauses[cause] ?? 0) + 1;
    } else if (open) {
      open.endMs = records.sentMs(i);
      outages.push(open);
      open = null;
    }
  }
  if (open) outages.push(open);
  return outages;
}

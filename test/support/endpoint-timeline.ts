// What the cluster said happened, read back from a cell's results: the "endpoints R/T ready" lines
// the namespace watch put on the timeline, and the endpoints probe's samples from requests.csv.
// Tests hold the measured outages against these.
import type { TimelineEvent } from '../../harness/results.ts';
import { outcomeName } from '../../harness/traffic/outcome.ts';
import { readRecordsCsv } from '../../harness/traffic/read-records-csv.ts';

export interface ReadyChange {
  atMs: number;
  phase: string;
  ready: number;
}

/** Every "endpoints R/T ready" line of the timeline, in order. */
export function readyChanges(events: TimelineEvent[]): ReadyChange[] {
  return events.flatMap((event) => {
    const match = /^endpoints (\d+)\/\d+ ready$/.exec(event.message);
    return match ? [{ atMs: event.atMs, phase: event.phase, ready: Number(match[1]) }] : [];
  });
}

export interface ServiceGap {
  /** When the ready endpoints fell below `minReady` (the last one needed went away). */
  lostMs: number;
  /** When they reached `minReady` again (the first new one became ready); null if never. */
  backMs: number | null;
  phase: string;
}

/** Each stretch of the timeline with fewer than `minReady` ready endpoints, after the Service first had enough. */
export function serviceGaps(events: TimelineEvent[], minReady: number): ServiceGap[] {
  const gaps: ServiceGap[] = [];
  let serving = false;
  let open: ServiceGap | null = null;
  for (const change of readyChanges(events)) {
    if (change.ready >= minReady) {
      if (open) open.backMs = change.atMs;
      open = null;
      serving = true;
    } else if (serving && !open) {
      open = { lostMs: change.atMs, backMs: null, phase: change.phase };
      gaps.push(open);
    }
  }
  return gaps;
}

export interface Sample {
  sentUnixMs: number;
  ok: boolean;
  outcome: string;
  version: string;
}

/** One probe's rows of a cell's requests.csv, in send order, read with the harness's own reader. */
export async function samplesOf(csvFile: string, probe: string): Promise<Sample[]> {
  const records = (await readRecordsCsv(csvFile)).get(probe);
  if (!records) throw new Error(`${csvFile} has no ${probe} rows`);
  const samples: Sample[] = [];
  records.forEach((i) => {
    const outcome = outcomeName(records.outcome(i));
    samples.push({ sentUnixMs: performance.timeOrigin + records.sentMs(i), ok: outcome === 'ok', outcome, version: records.versionName(records.versionIndex(i)) ?? '' });
  });
  return samples.sort((a, b) => a.sentUnixMs - b.sentUnixMs);
}

/** The versions successful samples named, consecutive repeats collapsed: [1.0.0, 1.1.0] is "1.0.0, then 1.1.0". */
export function servingSequence(samples: Sample[]): string[] {
  const sequence: string[] = [];
  for (const sample of samples) if (sample.ok && sequence.at(-1) !== sample.version) sequence.push(sample.version);
  return sequence;
}

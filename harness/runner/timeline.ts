import type { PhaseSpan, TimelineEvent } from '../results.ts';

/** Milliseconds on the monotonic clock shared with traffic records. */
export const now = (): number => performance.now();
export const isoAt = (ms: number): string => new Date(performance.timeOrigin + ms).toISOString();

interface OpenSpan {
  name: string;
  startMs: number;
  endMs: number | null;
}

/**
 * A cell's phases (flat, one after another) and the events inside them, on the monotonic clock.
 * Starting a phase ends the one before, so every moment of the cell belongs to exactly one phase.
 */
export class Timeline {
  readonly originMs: number;
  private readonly spans: OpenSpan[] = [];
  private readonly marks: { atMs: number; phase: string; message: string }[] = [];
  private readonly onPhase: (name: string) => void;

  constructor(onPhase: (name: string) => void = () => {}, originMs = now()) {
    this.originMs = originMs;
    this.onPhase = onPhase;
  }

  get currentPhase(): string {
    return this.spans.at(-1)?.name ?? 'none';
  }

  /** Ends the current phase and starts `name`; returns its start time. */
  phase(name: string): number {
    const at = now();
    this.close(at);
    this.spans.push({ name, startMs: at, endMs: null });
    this.onPhase(name);
    return at;
  }

  event(message: string): void {
    this.marks.push({ atMs: now(), phase: this.currentPhase, message });
  }

  /** Ends the current phase without starting another. */
  close(at = now()): void {
    const open = this.spans.at(-1);
    if (open && open.endMs === null) open.endMs = at;
  }

  /** Start of the first span with this name, if it ran. */
  startOf(name: string): number | undefined {
    return this.spans.find((s) => s.name === name)?.startMs;
  }

  /** End of the last span with this name, if it ran and ended. */
  endOf(name: string): number | undefined {
    return this.spans.findLast((s) => s.name === name)?.endMs ?? undefined;
  }

  /** Phase spans on the monotonic clock (an open phase ends now). */
  spansMs(): { name: string; startMs: number; endMs: number }[] {
    const t = now();
    return this.spans.map((s) => ({ name: s.name, startMs: s.startMs, endMs: s.endMs ?? t }));
  }

  phases(): PhaseSpan[] {
    return this.spansMs().map((s) => ({
      name: s.name,
      start: isoAt(s.startMs),
      end: isoAt(s.endMs),
      startMs: round(s.startMs - this.originMs),
      endMs: round(s.endMs - this.originMs),
    }));
  }

  events(): TimelineEvent[] {
    return this.marks.map((m) => ({
      at: isoAt(m.atMs),
      atMs: round(m.atMs - this.originMs),
      phase: m.phase,
      message: m.message,
    }));
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

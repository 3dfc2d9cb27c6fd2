/** A named span on the monotonic clock (performance.now() values). */
export interface PhaseWindow {
  name: string;
  startMs: number;
  endMs: number;
}

/** Requests sent outside every phase (a gap between phases) are counted under this name. */
export const UNPHASED = 'unphased';

/**
 * Index of the phase containing t, both ends included; phases are a flat list and the first
 * match wins (so a request sent exactly at a boundary goes to the earlier phase).
 * Returns phases.length when none contains t.
 */
export function phaseIndexAt(phases: readonly PhaseWindow[], t: number): number {
  for (let p = 0; p < phases.length; p++) {
    const phase = phases[p];
    if (phase && t >= phase.startMs && t <= phase.endMs) return p;
  }
  return phases.length;
}

export function phaseNameAt(phases: readonly PhaseWindow[], index: number): string {
  return phases[index]?.name ?? UNPHASED;
}

// Smooth weighted round robin, as nginx does it (ngx_http_upstream_get_peer): every pick adds
// each candidate's weight to its running score, takes the highest score and subtracts the total
// from it. Over any window of `total` picks every candidate gets exactly its weight, and the
// picks interleave (5/1/1 gives a a b a c a a, never a a a a a b c), so a canary at 10 % sees
// one request in ten from the first second instead of a burst.

export interface WeightedCandidate {
  id: string;
  weight: number;
}

export class SmoothWeightedPicker {
  /** Running score per candidate id; kept across pool changes so a weight change does not restart the cycle. */
  private readonly scores = new Map<string, number>();

  /**
   * Picks one of `candidates` (those with weight <= 0 never). Candidates left out of a call keep
   * their score, as nginx keeps a down peer's. Ties go to the earlier candidate. undefined when
   * no candidate has weight.
   */
  pick(candidates: readonly WeightedCandidate[]): string | undefined {
    let total = 0;
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const { id, weight } of candidates) {
      if (!(weight > 0) || !Number.isFinite(weight)) continue;
      const score = (this.scores.get(id) ?? 0) + weight;
      this.scores.set(id, score);
      total += weight;
      if (score > bestScore) {
        best = id;
        bestScore = score;
      }
    }
    if (best !== undefined) this.scores.set(best, bestScore - total);
    return best;
  }

  /** Forgets a candidate that left the pool, so a later one with the same id starts fresh. */
  forget(id: string): void {
    this.scores.delete(id);
  }
}

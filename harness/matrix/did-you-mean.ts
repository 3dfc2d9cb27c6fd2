// Suggests the closest known word for a typo ("rolingg" -> "rolling").

export function closest(word: string, known: readonly string[]): string | undefined {
  // Beyond about a third of the word, a suggestion is more confusing than helpful.
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    // Lengths that differ by more than the limit are further apart than it: skipping them keeps a
    // file of many unknown (or very long) keys from costing a full comparison each.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "rolling"?` or `; known: a, b, c` so every message tells how to fix it. */
export function suggestion(word: string, known: readonly string[], quote = true): string {
  const match = closest(word, known);
  if (match !== undefined) return `; did you mean ${quote ? JSON.stringify(match) : match}?`;
  return known.length > 0 ? `; known: ${known.join(', ')}` : '';
}

/**
 * Edit distance where swapping two neighbours ("prot" for "port") counts as one typo (optimal
 * string alignment). Three rows are enough: a swap looks two rows back.
 */
function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

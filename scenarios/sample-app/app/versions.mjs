// Release versions are MAJOR.MINOR.PATCH, with an optional -label that names a build of that
// release (2.0.0-drops-name, a bad release of the test scenario bad-releases.yaml): the label
// plays no part in ordering.

/** @param {string} text @returns {[number, number, number] | null} */
export function parseVersion(text) {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/.exec(String(text ?? '').trim());
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Negative, zero or positive like a sort comparator. Both must be valid versions. */
export function compareVersions(a, b) {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) throw new Error(`not a version: ${left ? b : a}`);
  for (let i = 0; i < 3; i++) {
    if (left[i] !== right[i]) return left[i] - right[i];
  }
  return 0;
}

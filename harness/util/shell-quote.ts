// Text pasted into a POSIX shell as one word, exactly as written. Inside single quotes a shell
// interprets nothing; a single quote itself is closed, escaped and reopened: ' -> '\''.
// Small enough to check by eye, which is why it is not a dependency.

/** Always quoted: `'local/1.0.0-to-1.1.0/rolling'`, `'it'\''s'`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Bare when nothing in it means anything to a shell (`matrices/quickstart.yaml`), else quoted. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : shellQuote(text);
}

// How the check speaks: one line per thing it made sure of, and a failure that says what broke.

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** Prints what was just made sure of. */
export function ok(what: string): void {
  console.log(`  ok   ${what}`);
}

export function section(title: string): void {
  console.log(`\n${title}`);
}

/** Fails the check with `problem` unless `condition` holds; `ok(what)` when it does. */
export function expect(condition: unknown, what: string, problem: string): asserts condition {
  if (!condition) throw new CheckFailure(`${what}: ${problem}`);
  ok(what);
}

/** The last `lines` lines of a long output, indented, for a failure message. */
export function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).map((line) => `    | ${line}`).join('\n');
}

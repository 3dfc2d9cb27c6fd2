import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reproduceBase, reproduceCell } from '../../harness/runner/reproduce-command.ts';
import { shellQuote, shellWord } from '../../harness/util/shell-quote.ts';

/** The words a real POSIX shell makes of a command line, one per line (printf repeats its format). */
function wordsOf(commandLine: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const hostile = ["1.1.0'; touch /tmp/pwned; '", 'a b', '$(id)', '`id`', '"quoted"', "it's", "''", '\\', '*', 'new\nline', '-rf', ''];

describe('shell quoting', () => {
  it('makes any text one shell word, exactly as written', () => {
    for (const text of hostile) expect(wordsOf(shellQuote(text)), text).toEqual([text]);
    for (const text of [...hostile.filter(Boolean), 'matrices/quickstart.yaml', 'local/1.0.0-to-1.1.0/rolling']) expect(wordsOf(shellWord(text)), text).toEqual([text]);
  });

  it('leaves plain paths bare and quotes the rest', () => {
    expect(shellWord('matrices/quickstart.yaml')).toBe('matrices/quickstart.yaml');
    expect(shellWord('my matrices/x.yaml')).toBe("'my matrices/x.yaml'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("gives a reproduce command whose --only receives the cell id and whose matrix is the file's path", () => {
    const base = reproduceBase('/work/it\'s here/m.yaml', '/elsewhere');
    const command = reproduceCell(base, "local/1.0.0-to-1.1.0'; touch x; '/rolling");
    expect(command).toBe("npx upgrade-harness run '/work/it'\\''s here/m.yaml' --only 'local/1.0.0-to-1.1.0'\\''; touch x; '\\''/rolling'");
    expect(wordsOf(command)).toEqual(['npx', 'upgrade-harness', 'run', "/work/it's here/m.yaml", '--only', "local/1.0.0-to-1.1.0'; touch x; '/rolling"]);
    expect(reproduceCell(reproduceBase('/p/matrices/quickstart.yaml', '/p'), 'local/1.0.0-to-1.1.0/rolling')).toBe("npx upgrade-harness run matrices/quickstart.yaml --only 'local/1.0.0-to-1.1.0/rolling'");
  });
});

import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../harness/errors.ts';
import { locate, parseYaml, type YamlSource } from '../../harness/matrix/yaml-source.ts';

function parsed(text: string): YamlSource {
  const result = parseYaml('/m.yaml', text);
  if (!result.ok) throw new Error(result.issues.map((issue) => `${issue.line} ${issue.message}`).join('\n'));
  return result.source;
}

function refused(text: string): string[] {
  const result = parseYaml('/m.yaml', text);
  if (result.ok) throw new Error('parsed');
  return result.issues.map((issue: ConfigIssue) => `${issue.line} ${issue.message}`);
}

describe('parseYaml: what the YAML itself may not do', () => {
  it('finds every duplicate key, in nested and flow mappings too, at the repeated key', () => {
    expect(refused('a: 1\nb:\n  c: 1\n  c: 2\nd: { e: 1, e: 2 }\na: 3\n')).toEqual([
      '4 YAML syntax: Map keys must be unique',
      '5 YAML syntax: Map keys must be unique',
      '6 YAML syntax: Map keys must be unique',
    ]);
    // As the YAML library compares keys: the number 1 and the text "1" differ.
    expect(parsed('1: a\n"1": b\n').data).toEqual({ 1: 'b' });
  });

  it('expands aliases used as meant, and refuses a bomb, a loop and a missing anchor at the alias', () => {
    expect(parsed('a: &x [1, 2]\nb: *x\nc: *x\n').data).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    expect(refused(bomb.join('\n'))).toEqual([expect.stringMatching(/^3 YAML aliases expand to more than 100 alias uses \(an "alias bomb"\): \*b repeats/)]);
    expect(refused('a: &x\n  - 1\n  - *x\n')).toEqual(['3 YAML alias *x is inside the value it repeats (&x): a value cannot contain itself']);
    expect(refused('a: 1\nb: *none\n')).toEqual(['2 YAML alias *none refers to no anchor: put &none on a value before it']);
  });

  it('says a document nested hundreds of levels deep is too deep, not that the parser crashed', () => {
    expect(refused(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toEqual([expect.stringMatching(/^1 YAML nested too deeply to read/)]);
  });
});

describe('locate', () => {
  it('points at the value, or at the key for an unknown key, or at a null key as the data names it ("")', () => {
    const source = parsed('a:\n  b: [1, 2]\n  c: 3\nnull: 4\n');
    expect(locate(source, { path: ['a', 'b', 1], message: 'm' })).toMatchObject({ line: 2, path: 'a.b[1]' });
    expect(locate(source, { path: ['a', 'c'], atKey: true, message: 'm' })).toMatchObject({ line: 3, column: 3 });
    expect(locate(source, { path: [''], atKey: true, message: 'm' })).toMatchObject({ line: 4 });
    // A key that is missing is reported on the line of the mapping that should hold it.
    expect(locate(source, { path: ['a', 'nope'], message: 'm' })).toMatchObject({ line: 1 });
  });

  it('locates every key of a 100,000-key mapping in linear time', () => {
    const count = 100_000;
    const source = parsed(Array.from({ length: count }, (_, i) => `k${i}: ${i}\n`).join(''));
    const started = performance.now();
    const lines = Array.from({ length: count }, (_, i) => locate(source, { path: [`k${i}`], atKey: true, message: 'm' }).line);
    // A search per issue made this about 5 x 10^9 key comparisons: minutes, not milliseconds.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(lines[0]).toBe(1);
    expect(lines[count - 1]).toBe(count);
  });
});

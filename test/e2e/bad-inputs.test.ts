// Hostile and broken input, one CLI run per file: every one is refused with exit 2 before anything
// starts, naming file:line and dot-path where a line applies, in seconds, without a stack trace.
// The corpus is test/fixtures/bad-inputs/*.yaml (each says what it expects in `# expect:` lines);
// what cannot be a checked-in file (a FIFO, UTF-16, 400,000 keys) is made here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runCli, tempOut, type CliResult } from '../support/cli.ts';

const CORPUS = 'test/fixtures/bad-inputs';
/** Valid, so a generated matrix's only problem is the one it was made with. */
const SCENARIO = join(projectRoot, 'test/fixtures/scenarios/three-versions');
const VALID = `name: generated\nscenario: ${SCENARIO}\nplatforms: [local]\nhops:\n  - { from: 1.0.0, to: 1.1.0 }\nmethods: [rolling]\n`;

interface Case {
  name: string;
  /** The matrix given to `run`: relative to the project root, or absolute. */
  matrix: string;
  /** Text the error output must hold, each naming file:line (and the dot-path where one applies). */
  expect: string[];
  /** False where no line applies (the file cannot be read at all). */
  located: boolean;
}

function corpusCases(): Case[] {
  return readdirSync(join(projectRoot, CORPUS))
    .filter((entry) => entry.endsWith('.yaml'))
    .sort()
    .map((entry) => {
      const text = readFileSync(join(projectRoot, CORPUS, entry), 'utf8');
      const expected = [...text.matchAll(/^# expect: (.+)$/gm)].map((match) => `${CORPUS}/${match[1]}`);
      return { name: entry, matrix: `${CORPUS}/${entry}`, expect: expected, located: true };
    });
}

/** Keys no schema knows, five letters each ("xaaaa", ...): `count` of them after a valid matrix. */
function unknownKeys(count: number): string {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(`x${i.toString(26).padStart(4, '0').replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)))}:\n`);
  return keys.join('');
}

async function generatedCases(dir: string): Promise<Case[]> {
  const at = (name: string) => join(dir, name);
  const utf16 = (bom: number[], littleEndian: boolean) => {
    const body = Buffer.from(VALID, 'utf16le');
    if (!littleEndian) body.swap16();
    return Buffer.concat([Buffer.from(bom), body]);
  };
  await writeFile(at('utf16le.yaml'), utf16([0xff, 0xfe], true));
  await writeFile(at('utf16be.yaml'), utf16([0xfe, 0xff], false));
  await writeFile(at('utf16-no-bom.yaml'), Buffer.from(VALID, 'utf16le'));
  await writeFile(at('utf32.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), Buffer.from('n\0\0\0')]));
  // "café" as Latin-1 writes it, on line 4.
  await writeFile(at('latin1.yaml'), Buffer.concat([Buffer.from('name: generated\nscenario: x\nplatforms: [local]\n# caf'), Buffer.from([0xe9]), Buffer.from('\nmethods: [rolling]\n')]));
  await mkdir(at('scenario-utf16'));
  await writeFile(at('scenario-utf16/scenario.yaml'), utf16([0xff, 0xfe], true));
  await writeFile(at('uses-utf16-scenario.yaml'), VALID.replace(SCENARIO, at('scenario-utf16')));
  execFileSync('mkfifo', [at('fifo.yaml')]);
  await mkdir(at('folder.yaml'));
  await symlink(at('loop-b.yaml'), at('loop-a.yaml'));
  await symlink(at('loop-a.yaml'), at('loop-b.yaml'));
  const tooLarge = `${VALID}# ${'x'.repeat(4 * 1024 * 1024)}\n`;
  await writeFile(at('too-large.yaml'), tooLarge);
  // 400,000 unknown keys (2.4 MB): every one an issue, located and listed in linear time.
  await writeFile(at('400k-keys.yaml'), VALID + unknownKeys(400_000));
  return [
    { name: 'UTF-16 LE with a byte-order mark', matrix: at('utf16le.yaml'), expect: [`${at('utf16le.yaml')}:1 the file is UTF-16 (a byte-order mark): save it as UTF-8`], located: true },
    { name: 'UTF-16 BE with a byte-order mark', matrix: at('utf16be.yaml'), expect: [`${at('utf16be.yaml')}:1 the file is UTF-16 (a byte-order mark): save it as UTF-8`], located: true },
    { name: 'UTF-16 without a byte-order mark', matrix: at('utf16-no-bom.yaml'), expect: [`${at('utf16-no-bom.yaml')}:1 the file holds NUL bytes: UTF-16 without a byte-order mark`], located: true },
    { name: 'UTF-32', matrix: at('utf32.yaml'), expect: [`${at('utf32.yaml')}:1 the file is UTF-32 (a byte-order mark): save it as UTF-8`], located: true },
    { name: 'Latin-1 on line 4', matrix: at('latin1.yaml'), expect: [`${at('latin1.yaml')}:4 the file is not UTF-8`], located: true },
    { name: 'a scenario in UTF-16', matrix: at('uses-utf16-scenario.yaml'), expect: [`${at('scenario-utf16/scenario.yaml')}:1 the file is UTF-16`], located: true },
    { name: 'a named pipe (FIFO)', matrix: at('fifo.yaml'), expect: [`cannot read ${at('fifo.yaml')}: it is a named pipe (FIFO), not a regular file`], located: false },
    { name: 'a folder', matrix: at('folder.yaml'), expect: [`cannot read ${at('folder.yaml')}: it is a folder, not a regular file`], located: false },
    // stdin is /dev/null here (runCli ignores it): a device, refused without reading.
    { name: '/dev/stdin', matrix: '/dev/stdin', expect: ['cannot read /dev/stdin: it is a device, not a regular file'], located: false },
    { name: 'a symbolic-link loop', matrix: at('loop-a.yaml'), expect: [`cannot read ${at('loop-a.yaml')}: too many symbolic links`], located: false },
    { name: 'a file past 4 MiB', matrix: at('too-large.yaml'), expect: [`cannot read ${at('too-large.yaml')}: it is ${Buffer.byteLength(tooLarge).toLocaleString('en-US')} bytes; a matrix or scenario file may be at most 4 MiB (4,194,304 bytes)`], located: false },
    { name: 'a missing file', matrix: at('missing.yaml'), expect: [`cannot read ${at('missing.yaml')}: no such file`], located: false },
    {
      name: '400,000 unknown keys',
      matrix: at('400k-keys.yaml'),
      expect: [`${at('400k-keys.yaml')}:7 xaaaa: unknown key "xaaaa"; known: name,`, `${at('400k-keys.yaml')}:16 xaaaj: unknown key`, '... and 399,990 more'],
      located: true,
    },
  ];
}

interface Outcome {
  result: CliResult;
  ms: number;
  tmpEntries: string[];
  outExists: boolean;
}

describe('bad input is refused before anything starts', async () => {
  const work = await tempOut();
  const cases = [...corpusCases(), ...(await generatedCases(work.dir))];
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    // Two cores: three CLIs at once keep both busy without starving the other tests' processes.
    const limit = pLimit(3);
    await Promise.all(
      cases.map((testCase, index) =>
        limit(async () => {
          const tmp = join(work.dir, `tmp-${index}`);
          const out = join(work.dir, `out-${index}`);
          await mkdir(tmp);
          const started = performance.now();
          const result = await runCli(['run', testCase.matrix, '--out', out], { TMPDIR: tmp });
          outcomes.set(testCase.name, { result, ms: performance.now() - started, tmpEntries: await readdir(tmp), outExists: existsSync(out) });
        }),
      ),
    );
    return work.cleanup;
  }, 180_000);

  it('holds at least 40 matrix and scenario files, each expecting something', () => {
    const corpus = cases.filter((testCase) => testCase.matrix.startsWith(CORPUS));
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const testCase of corpus) expect(testCase.expect, testCase.name).not.toEqual([]);
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (name, testCase) => {
    const outcome = outcomes.get(name)!;
    const { exitCode, stderr } = outcome.result;
    expect(exitCode, stderr).toBe(2);
    for (const text of testCase.expect) expect(stderr).toContain(text);
    if (testCase.located) expect(stderr).toMatch(/\.yaml:\d+ /);
    // A message for a person: no internal error, no stack trace.
    expect(stderr).not.toMatch(/internal error|^\s+at /m);
    // Nothing started: no work folder, database or lease in TMPDIR, no out folder at all.
    expect(outcome.tmpEntries).toEqual([]);
    expect(outcome.outExists).toBe(false);
  });

  it('answers 400,000 unknown keys in seconds, listing ten', () => {
    const outcome = outcomes.get('400,000 unknown keys')!;
    // Quadratic work (the YAML library's duplicate-key check, a search per issue) took many minutes here.
    expect(outcome.ms).toBeLessThan(30_000);
    expect(outcome.result.stderr.trim().split('\n')).toHaveLength(11);
  });

  it('writes nothing outside the run folder for a version that names a path', async () => {
    const everywhere = [...(await readdir(work.dir, { recursive: true })), ...(await readdir(join(projectRoot, CORPUS), { recursive: true }))];
    expect(everywhere.filter((entry) => entry.includes('escaped'))).toEqual([]);
  });
});

import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { CellJournal, JOURNAL_FILE, readJournal, type JournalHeader } from '../../harness/runner/cell-journal.ts';
import { gateFailedCell, passedCell } from '../fixtures/results/sample-run.ts';
import { testDir } from '../support/cli.ts';

const header = { journal: 1, runId: 'r1', matrix: 'm', provenance: { matrixDigest: 'sha256:aa' } } as unknown as JournalHeader;

describe('the cell journal', () => {
  it('reads back every cell appended, across a resumed run appending to it', async () => {
    const dir = await testDir();
    {
      await using journal = await CellJournal.open(dir, header, 'new');
      await journal.append(passedCell());
    }
    {
      await using journal = await CellJournal.open(dir, { ...header, runId: 'r2' }, 'continue');
      await journal.append(gateFailedCell());
    }
    const read = await readJournal(dir);
    expect(read.header.runId).toBe('r1');
    expect(read.cells.map((cell) => [cell.id, cell.status])).toEqual([
      [passedCell().id, 'passed'],
      [gateFailedCell().id, 'failed'],
    ]);
    expect(read.truncated).toBe(false);
  });

  it('drops a last line a kill cut short, and keeps the rest', async () => {
    const dir = await testDir();
    {
      await using journal = await CellJournal.open(dir, header, 'new');
      await journal.append(passedCell());
    }
    await appendFile(join(dir, JOURNAL_FILE), JSON.stringify({ cell: gateFailedCell() }).slice(0, 200));
    const read = await readJournal(dir);
    expect(read.cells).toHaveLength(1);
    expect(read.truncated).toBe(true);
  });

  it('calls a damaged line inside the file damage, with its line number', async () => {
    const dir = await testDir();
    {
      await using journal = await CellJournal.open(dir, header, 'new');
      await journal.append(passedCell());
    }
    const file = join(dir, JOURNAL_FILE);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [lines[0], 'not json', lines[1], ''].join('\n'));
    await expect(readJournal(dir)).rejects.toThrow(`${file}:2 is not a journal entry`);
  });

  it('is a usage error for a folder that holds no run', async () => {
    const dir = await testDir();
    await expect(readJournal(dir)).rejects.toBeInstanceOf(ConfigError);
    await expect(readJournal(dir)).rejects.toThrow(/holds no journal\.jsonl/);
  });
});

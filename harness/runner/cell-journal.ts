// Each finished cell, appended to the run folder the moment it ends and flushed to disk, so a run
// killed outright (SIGKILL, a lost CI runner) keeps every cell it finished; `run --resume DIR`
// reads it back and runs only the rest. One JSON object per line: a header, then a cell per line.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { CellResult, Provenance } from '../results.ts';

export const JOURNAL_FILE = 'journal.jsonl';

export interface JournalHeader {
  journal: 1;
  runId: string;
  matrix: string;
  provenance: Provenance;
}

export interface JournalContents {
  header: JournalHeader;
  cells: CellResult[];
  /** A last line cut short by a kill mid-write: not counted. */
  truncated: boolean;
}

export class CellJournal implements AsyncDisposable {
  private readonly handle: FileHandle;

  private constructor(handle: FileHandle) {
    this.handle = handle;
  }

  /** Starts a new journal in `outDir` (replacing one there), or continues the one being resumed. */
  static async open(outDir: string, header: JournalHeader, mode: 'new' | 'continue'): Promise<CellJournal> {
    const handle = await open(join(outDir, JOURNAL_FILE), mode === 'new' ? 'w' : 'a');
    const journal = new CellJournal(handle);
    if (mode === 'new') await journal.write(header);
    return journal;
  }

  async append(cell: CellResult): Promise<void> {
    await this.write({ cell });
  }

  private async write(entry: object): Promise<void> {
    await this.handle.write(`${JSON.stringify(entry)}\n`);
    await this.handle.datasync();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.handle.close();
  }
}

/** Reads the journal a run left in `outDir`; a folder without one is a usage error naming it. */
export async function readJournal(outDir: string): Promise<JournalContents> {
  const file = join(outDir, JOURNAL_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new ConfigError(`${outDir} holds no ${JOURNAL_FILE}: it is not the folder of a run`, [], 'pass the --out folder of the run to resume');
    throw error;
  });
  const lines = text.split('\n');
  const header = parseLine(lines[0] ?? '') as Partial<JournalHeader> | null;
  if (!header || header.journal !== 1 || typeof header.runId !== 'string' || !header.provenance) {
    throw new ConfigError(`${file} has no journal header on its first line`, [], 'the file looks damaged; start the run again without --resume');
  }
  const cells: CellResult[] = [];
  let truncated = false;
  lines.slice(1).forEach((line, index, rest) => {
    if (line === '') return;
    const entry = parseLine(line) as { cell?: CellResult } | null;
    if (entry?.cell) cells.push(entry.cell);
    // Only the last line can be cut short by a kill; anything else is damage.
    else if (index === rest.length - 1 || (index === rest.length - 2 && rest.at(-1) === '')) truncated = true;
    else throw new ConfigError(`${file}:${index + 2} is not a journal entry`, [], 'the file looks damaged; start the run again without --resume');
  });
  return { header: header as JournalHeader, cells, truncated };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

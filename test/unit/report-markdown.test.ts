import { describe, expect, it } from 'vitest';
import { mdCell, mdCode, renderMarkdownSummary } from '../../harness/report/markdown-summary.ts';
import type { CellResult } from '../../harness/results.ts';
import { gateFailedCell, passedCell, rollbackCell, sampleRun } from '../fixtures/results/sample-run.ts';

const tableRows = (markdown: string): string[] => markdown.split('\n').filter((line) => line.startsWith('| `'));
/** Splits a table row on the pipes that end cells (not on escaped ones). */
const cellsOf = (row: string): string[] => row.slice(2, -2).split(/ (?<!\\)\| /);

describe('renderMarkdownSummary', () => {
  const markdown = renderMarkdownSummary(sampleRun());

  it('starts with the verdict', () => {
    const first = markdown.split('\n')[0];
    expect(first).toBe('❌ **quickstart: 1 cell failed: local/1.0.0-to-1.1.0/recreate; 1 cell could not complete (error, no verdict): local/1.1.0-to-2.0.0/blue-green; 1 skipped; 2 of 5 passed**');
    expect(renderMarkdownSummary(sampleRun([passedCell(), rollbackCell()])).split('\n')[0]).toBe('✅ **quickstart: 2 of 2 cells passed**');
  });

  it('has one row per cell with status, longest outage, availability, failed requests, budget and the cause', () => {
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(5);
    const failed = rows.find((row) => row.includes('recreate'));
    expect(cellsOf(failed ?? '')).toEqual([
      '`local/1.0.0-to-1.1.0/recreate`',
      '❌ failed',
      '842 ms',
      '93%',
      '84',
      'over by 82.8 (allowed 1.2)',
      // The cause: the gate that broke, with the evidence behind it.
      'an outage of 842 ms in upgrade (limit 0 ms); 84 requests failed in upgrade (84): 82 refused, 2 reset; answered by 1.0.0 (84)',
    ]);
    const passed = rows.find((row) => row.includes('rolling'));
    expect(cellsOf(passed ?? '')).toEqual(['`local/1.0.0-to-1.1.0/rolling`', '✅ passed', '0 ms', '100%', '0', '1.2 of 1.2 left', '']);
    const error = rows.find((row) => row.includes('blue-green') && row.includes('error'));
    expect(error).toContain('PORT_IN_USE: could not bind the front door');
    expect(rows.find((row) => row.includes('canary'))).toContain('⏭️ skipped | - | - | -');
  });

  it('lists the reproduce commands of failed and errored cells only', () => {
    const reproduce = markdown.slice(markdown.indexOf('Reproduce:'));
    expect(reproduce).toContain("--only 'local/1.0.0-to-1.1.0/recreate'");
    expect(reproduce).toContain("--only 'local/1.1.0-to-2.0.0/blue-green'");
    expect(reproduce).not.toContain('rolling');
  });

  it('keeps a row intact whatever the cell id or message holds', () => {
    const cell: CellResult = {
      ...gateFailedCell(),
      id: 'local/a|b`c',
      gates: [],
      error: { code: 'E', message: 'line one | pipe\nline two <b>', hint: null, kind: 'product' },
    };
    const rows = tableRows(renderMarkdownSummary(sampleRun([cell])));
    expect(rows).toHaveLength(1);
    expect(cellsOf(rows[0] ?? '')).toHaveLength(7);
    expect(rows[0]).toContain('E: line one \\| pipe; 84 requests failed');
  });
});

describe('markdown escaping', () => {
  it('mdCell escapes pipes and backslashes and joins lines', () => {
    expect(mdCell('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });
  it('mdCode fences text holding backticks with a longer run', () => {
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('a`b``c')).toBe('``` a`b``c ```');
  });
});

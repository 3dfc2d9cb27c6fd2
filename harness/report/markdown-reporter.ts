import type { RunResults } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { renderMarkdownSummary } from './markdown-summary.ts';
import { writeReportFile } from './write-report-file.ts';

export const summaryFileName = 'summary.md';

export function markdownReporter(): Reporter {
  return {
    name: 'markdown',
    async onRunEnd(results: RunResults, outDir: string) {
      await writeReportFile(outDir, summaryFileName, renderMarkdownSummary(results));
    },
  };
}

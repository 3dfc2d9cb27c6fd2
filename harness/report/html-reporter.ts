import type { RunResults } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { renderHtmlReport } from './html-report.ts';
import { writeReportFile } from './write-report-file.ts';

export const htmlFileName = 'report.html';

export function htmlReporter(): Reporter {
  return {
    name: 'html',
    async onRunEnd(results: RunResults, outDir: string) {
      await writeReportFile(outDir, htmlFileName, renderHtmlReport(results));
    },
  };
}

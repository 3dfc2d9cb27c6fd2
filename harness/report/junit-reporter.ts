import type { RunResults } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { renderJunitXml } from './junit-xml.ts';
import { writeReportFile } from './write-report-file.ts';

export const junitFileName = 'junit.xml';

export function junitReporter(): Reporter {
  return {
    name: 'junit',
    async onRunEnd(results: RunResults, outDir: string) {
      await writeReportFile(outDir, junitFileName, renderJunitXml(results));
    },
  };
}

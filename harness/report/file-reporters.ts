// The four files every run leaves behind, and the `report <results.json>` entry point that
// re-renders them: one file failing to render must not cost the others.
import type { RunResults } from '../results.ts';
import { htmlReporter } from './html-reporter.ts';
import { jsonReporter } from './json-reporter.ts';
import { junitReporter } from './junit-reporter.ts';
import { markdownReporter } from './markdown-reporter.ts';
import type { Reporter } from './reporter.ts';
import { createReporterMux } from './reporter-mux.ts';

export interface ReportProblem {
  reporter: string;
  message: string;
  error: unknown;
}

export function fileReporters(): Reporter[] {
  return [jsonReporter(), junitReporter(), htmlReporter(), markdownReporter()];
}

/** Writes results.json, junit.xml, report.html and summary.md into outDir; returns what went wrong. */
export async function renderReports(results: RunResults, outDir: string, reporters: Reporter[] = fileReporters()): Promise<ReportProblem[]> {
  const problems: ReportProblem[] = [];
  const mux = createReporterMux(reporters, (reporter, _hook, error) => {
    problems.push({ reporter, message: error instanceof Error ? error.message : String(error), error });
  });
  await mux.onRunEnd(results, outDir);
  return problems;
}

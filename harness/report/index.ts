// What the rest of the harness uses from report/: the multiplexer, the file reporters, re-rendering.
export type { Reporter, RunInfo, TrafficTick } from './reporter.ts';
export { createReporterMux, type ReporterHooks } from './reporter-mux.ts';
export { fileReporters, renderReports, type ReportProblem } from './file-reporters.ts';
export { jsonReporter, resultsFileName } from './json-reporter.ts';
export { junitReporter, junitFileName } from './junit-reporter.ts';
export { htmlReporter, htmlFileName } from './html-reporter.ts';
export { markdownReporter, summaryFileName } from './markdown-reporter.ts';
export { loadRunResults, parseRunResults } from './load-results.ts';
export { verdictLine, countStatuses, overallStatus } from './verdict.ts';

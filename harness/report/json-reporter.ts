// results.json: the contract every other report, `report` and `gate` are built from.
import type { RunResults } from '../results.ts';
import type { Reporter } from './reporter.ts';
import { writeReportFile } from './write-report-file.ts';

export const resultsFileName = 'results.json';

const isFlatNumberArray = (value: unknown): value is number[] => Array.isArray(value) && value.every((item) => typeof item === 'number');

/**
 * Indented JSON for people, except arrays of numbers (the traffic series), which stay on one line:
 * pretty-printed one number per line, a long run's series would make the file several times larger.
 */
export function stringifyResults(value: unknown, indent = '', step = '  '): string {
  if (isFlatNumberArray(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + step;
    return `[\n${value.map((item) => inner + stringifyResults(item ?? null, inner, step)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function');
    if (entries.length === 0) return '{}';
    const inner = indent + step;
    return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${stringifyResults(item, inner, step)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function renderResultsJson(results: RunResults): string {
  return `${stringifyResults(results)}\n`;
}

export function jsonReporter(): Reporter {
  return {
    name: 'json',
    async onRunEnd(results: RunResults, outDir: string) {
      await writeReportFile(outDir, resultsFileName, renderResultsJson(results));
    },
  };
}

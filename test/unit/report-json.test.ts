import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderResultsJson, stringifyResults } from '../../harness/report/json-reporter.ts';
import { gateFailedCell, sampleRun } from '../fixtures/results/sample-run.ts';

describe('results.json serialization', () => {
  it('reads back exactly as JSON.stringify would, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(stringifyResults(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('round-trips a run', () => {
    expect(JSON.parse(renderResultsJson(sampleRun()))).toEqual(sampleRun());
  });

  it('keeps traffic series on one line and everything else indented', () => {
    const text = renderResultsJson(sampleRun([gateFailedCell()]));
    const okLine = text.split('\n').find((line) => line.trimStart().startsWith('"ok": ['));
    expect(okLine).toMatch(/^ +"ok": \[50,50,.*\],?$/);
    expect(text).toContain('\n  "runId": "20250301-100000-ab12",\n');
  });
});

// The one line that says why a red cell is red.
import { describe, expect, it } from 'vitest';
import { cellCause } from '../../harness/report/cell-cause.ts';
import type { CellResult, GateResult } from '../../harness/results.ts';
import { errorCell, gateFailedCell, passedCell, rollbackCell } from '../fixtures/results/sample-run.ts';

const breached = (name: string, threshold: number, actual: number, scope: GateResult['scope'] = 'upgrade'): GateResult => ({ name, threshold, actual, passed: false, scope });

describe('the cause of a red cell', () => {
  it('is absent for a cell that passed', () => {
    expect(cellCause(passedCell())).toBeNull();
  });

  it('names the gate that broke with the evidence: which requests failed how, in which phase, answered by which version', () => {
    expect(cellCause(gateFailedCell())).toBe('an outage of 842 ms in upgrade (limit 0 ms); 84 requests failed in upgrade (84): 82 refused, 2 reset; answered by 1.0.0 (84)');
  });

  it('puts the error first, by its code and first line', () => {
    expect(cellCause(errorCell())).toBe('PORT_IN_USE: could not bind the front door to 127.0.0.1:8080');
  });

  it('says why writes were lost, and that it was the rollback that lost them', () => {
    const cell = rollbackCell();
    const red: CellResult = {
      ...cell,
      status: 'failed',
      gates: [breached('lostWrites', 0, 9, 'rollback')],
      rollback: { ...cell.rollback!, integrity: { writesAcknowledged: 40, writesLost: 9, duplicates: 0, lostBy: { notFound: 8, differentValue: 1, errorStatus: 0 } } },
    };
    expect(cellCause(red)).toBe('9 acknowledged writes lost by the rollback (8 not found, 1 with another value)');
  });

  it('names what restarted when the method touched what it must not', () => {
    const cell = passedCell();
    const red: CellResult = {
      ...cell,
      status: 'failed',
      gates: [breached('unintendedRestarts', 0, 1, 'cell')],
      events: [...cell.events, { at: cell.startedAt, atMs: 100, phase: 'teardown', message: 'unintended restart: database pid 10 -> pid 42' }],
    };
    expect(cellCause(red)).toBe('restarted what the method must not touch: database pid 10 -> pid 42');
  });

  it('names the members the front door had taken out, and since when, for its no-member answers', () => {
    const cell = gateFailedCell();
    const red: CellResult = {
      ...cell,
      traffic: { ...cell.traffic!, failuresByUpstreamCause: { 'no-member': 5 } },
      gates: [breached('failedRequests', 0, 84)],
      events: [...cell.events, { at: cell.startedAt, atMs: 12_300, phase: 'upgrade', message: 'front door: member r3 (2.0.0) down: its readiness checks fail' }],
    };
    expect(cellCause(red)).toContain('; 5 answered by the front door with no ready member (r3 (2.0.0) down since +12.3 s)');
  });
});

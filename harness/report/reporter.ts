import type { Cell } from '../matrix/cell.ts';
import type { CellResult, RunResults } from '../results.ts';

export interface RunInfo {
  runId: string;
  matrix: string;
  cells: Cell[];
  /** Folder the run writes its reports into. */
  outDir: string;
  /** `run --resume`: cells kept from the interrupted run, not run again. */
  kept?: number;
}

/** Live traffic figures for progress output. */
export interface TrafficTick {
  requests: number;
  failures: number;
  requestsPerSecond: number;
}

/** Every hook is optional. Reporters are called through one multiplexer that contains their failures. */
export interface Reporter {
  readonly name: string;
  onRunBegin?(run: RunInfo): void | Promise<void>;
  onCellBegin?(cell: Cell): void | Promise<void>;
  onPhase?(cell: Cell, phase: string): void | Promise<void>;
  onTraffic?(cell: Cell, tick: TrafficTick): void | Promise<void>;
  onCellEnd?(cell: Cell, result: CellResult): void | Promise<void>;
  /** File reporters write here; `report <results.json>` calls only this hook. */
  onRunEnd?(results: RunResults, outDir: string): void | Promise<void>;
}

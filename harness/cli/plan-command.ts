import { resolve } from 'node:path';
import { loadMatrix } from '../matrix/load-matrix.ts';
import { selectCells } from '../matrix/select-cells.ts';

/** `upgrade-harness plan <matrix>`: the cells a run would execute. Starts nothing. */
export async function planCommand(matrixPath: string, options: { only?: string }): Promise<number> {
  const matrix = await loadMatrix(resolve(matrixPath));
  const cells = options.only ? selectCells(matrix.cells, options.only) : matrix.cells;
  const rows = cells.map((cell) => {
    const gates = Object.entries(cell.gates).map(([name, value]) => `${name}<=${value}`.replace('availability<=', 'availability>='));
    const traffic = [cell.probes.http ? `${cell.traffic.rate} req/s` : '', cell.probes.endpoints ? `endpoints ${cell.probes.endpoints.rate}/s` : ''].filter(Boolean).join(' + ');
    const extras = [`${cell.replicas} replicas`, traffic, cell.rollback ? 'rollback' : '', gates.join(' ')].filter(Boolean);
    return `  ${cell.id.padEnd(44)} ${extras.join(', ')}`;
  });
  process.stdout.write(`${matrix.name} (${matrix.scenario.name}): ${cells.length} cells\n${rows.join('\n')}\n`);
  return 0;
}

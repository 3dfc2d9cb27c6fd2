// `--only`: keep the cells whose id matches any of several comma-separated globs.
import picomatch from 'picomatch';
import { ConfigError } from '../errors.ts';
import type { Cell } from './cell.ts';

export function selectCells(cells: Cell[], glob: string): Cell[] {
  const patterns = glob
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern.length > 0);
  if (patterns.length === 0) throw new ConfigError('--only needs at least one glob', [], 'e.g. --only "local/*/rolling"');
  const isSelected = picomatch(patterns);
  const selected = cells.filter((cell) => isSelected(cell.id));
  if (selected.length > 0) return selected;
  const shown = cells.slice(0, 5).map((cell) => cell.id);
  const more = cells.length > shown.length ? ` and ${cells.length - shown.length} more` : '';
  throw new ConfigError(
    `--only "${glob}" matches no cell; cells: ${shown.join(', ')}${more}`,
    [],
    'ids are platform/from-to-to/method; * stays within one part, e.g. --only "local/*/rolling,*/1.0.0-to-*/canary"',
  );
}

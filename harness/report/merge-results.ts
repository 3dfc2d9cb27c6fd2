// `merge`: the results of a matrix's shards (CI jobs that each ran `run --shard I/N`) as one run.
// Joining runs of different matrices, or of the same matrix edited in between, would make a report
// that describes no run, so those are refused; so are missing shards, unless asked for.
import { ConfigError } from '../errors.ts';
import type { CellResult, Provenance, RunResults } from '../results.ts';
import { parseShard } from '../matrix/shard-cells.ts';

export interface ShardResults {
  file: string;
  results: RunResults;
}

export interface MergeOptions {
  runId: string;
  provenance: Pick<Provenance, 'harnessVersion' | 'node' | 'host' | 'startedBy'>;
  /** Merge even when some shards of the split are missing. */
  partial?: boolean;
}

export function mergeResults(inputs: ShardResults[], options: MergeOptions): RunResults {
  const first = inputs[0];
  if (!first) throw new ConfigError('merge needs at least one results.json', [], 'e.g. upgrade-harness merge shard-*/results.json --out merged');
  for (const input of inputs.slice(1)) sameMatrix(first, input);
  const byShard = [...inputs].sort((a, b) => shardIndex(a) - shardIndex(b));
  checkShards(byShard, options.partial ?? false);
  const cells: CellResult[] = [];
  const from = new Map<string, string>();
  for (const input of byShard) {
    for (const cell of input.results.cells) {
      const earlier = from.get(cell.id);
      if (earlier) throw new ConfigError(`cell ${cell.id} is in both ${earlier} and ${input.file}`, [], 'merge each shard once; shards of one split never share a cell');
      from.set(cell.id, input.file);
      cells.push(cell);
    }
  }
  const provenance = first.results.provenance;
  return {
    schemaVersion: first.results.schemaVersion,
    runId: options.runId,
    matrix: first.results.matrix,
    matrixFile: first.results.matrixFile,
    startedAt: inputs.map((input) => input.results.startedAt).sort()[0]!,
    finishedAt: inputs.map((input) => input.results.finishedAt).sort().at(-1)!,
    ...(provenance
      ? {
          provenance: {
            ...provenance,
            ...options.provenance,
            selection: { only: provenance.selection.only, shard: null },
            mergedFrom: byShard.map(({ results }) => ({
              runId: results.runId,
              shard: results.provenance?.selection.shard ?? null,
              host: results.provenance?.host.name ?? 'unknown',
              startedBy: results.provenance?.startedBy ?? { ci: null, jobUrl: null, pipeline: null, user: null },
            })),
          },
        }
      : {}),
    cells,
  };
}

function sameMatrix(first: ShardResults, other: ShardResults): void {
  const a = first.results;
  const b = other.results;
  const differs =
    a.matrix !== b.matrix
      ? `matrix "${a.matrix}" vs "${b.matrix}"`
      : a.provenance && b.provenance && a.provenance.matrixDigest !== b.provenance.matrixDigest
        ? 'the matrix file changed between them'
        : a.provenance && b.provenance && a.provenance.scenarioDigest !== b.provenance.scenarioDigest
          ? 'the scenario file changed between them'
          : a.provenance?.selection.only !== b.provenance?.selection.only
            ? `--only "${a.provenance?.selection.only ?? ''}" vs "${b.provenance?.selection.only ?? ''}"`
            : '';
  if (differs) {
    throw new ConfigError(`${first.file} and ${other.file} are not shards of one run: ${differs}`, [], 'merge the results of one matrix, split with run --shard I/N');
  }
}

function shardIndex(input: ShardResults): number {
  const shard = input.results.provenance?.selection.shard;
  return shard ? (parseShard(shard)?.index ?? 0) : 0;
}

function checkShards(inputs: ShardResults[], partial: boolean): void {
  const shards = inputs.map((input) => input.results.provenance?.selection.shard ?? null);
  if (shards.every((shard) => shard === null)) return;
  const parsed = shards.map((shard) => (shard ? parseShard(shard) : null));
  const totals = new Set(parsed.map((shard) => shard?.total ?? 0));
  if (parsed.some((shard) => !shard) || totals.size > 1) {
    throw new ConfigError(`the results come from different splits: ${shards.map((shard) => shard ?? 'whole run').join(', ')}`, [], 'merge the shards of one split (all --shard I/N with the same N)');
  }
  const total = [...totals][0]!;
  const missing = Array.from({ length: total }, (_, index) => index + 1).filter((index) => !parsed.some((shard) => shard?.index === index));
  if (missing.length > 0 && !partial) {
    throw new ConfigError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${total}`).join(', ')} missing: the report would lack their cells`,
      [],
      'pass every shard\'s results.json, or --partial to merge what there is',
    );
  }
}

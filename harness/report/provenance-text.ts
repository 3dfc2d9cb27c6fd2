// The run's provenance as one line of text, the same in every report.
import type { Provenance } from '../results.ts';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

export function provenanceLine(p: Provenance): string {
  const by = p.startedBy.ci
    ? `${p.startedBy.ci} job ${p.startedBy.jobUrl ?? '(no job URL)'}${p.startedBy.pipeline ? `, pipeline ${p.startedBy.pipeline}` : ''}`
    : `${p.startedBy.user ?? 'unknown user'}`;
  const share = [p.selection.only ? `--only ${p.selection.only}` : '', p.selection.shard ? `shard ${p.selection.shard}` : ''].filter(Boolean).join(', ');
  const merged = p.mergedFrom ? `; merged from ${p.mergedFrom.length} runs (${p.mergedFrom.map((run) => run.shard ?? run.runId).join(', ')})` : '';
  const resumed = p.resumed ? `; resumed run ${p.resumed.runId}, ${p.resumed.cellsKept} cells kept` : '';
  return (
    `upgrade-harness ${p.harnessVersion} on Node ${p.node}, host ${p.host.name} (${p.host.cores} cores), started by ${by}; ` +
    `matrix ${p.matrixFile} (${short(p.matrixDigest)}), scenario ${short(p.scenarioDigest)}${share ? `; ${share}` : ''}${merged}${resumed}`
  );
}

/** Flat name/value pairs for JUnit properties. */
export function provenanceProperties(p: Provenance): [string, string][] {
  return [
    ['harnessVersion', p.harnessVersion],
    ['node', p.node],
    ['host', p.host.name],
    ['startedBy', p.startedBy.jobUrl ?? p.startedBy.user ?? ''],
    ['pipeline', p.startedBy.pipeline ?? ''],
    ['matrixFile', p.matrixFile],
    ['matrixDigest', p.matrixDigest],
    ['scenarioDigest', p.scenarioDigest],
    ['shard', p.selection.shard ?? ''],
  ];
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLUSTER_NAME_MAX_LENGTH, perCellClusterName, perRunClusterName, runIdOfClusterName } from '../../harness/platforms/kubernetes/clusters/cluster-names.ts';
import { newRunId } from '../../harness/runner/run-matrix.ts';

// kind: `^[a-z0-9.-]+$`; k3d: an RFC 1123 host name of at most 32 characters.
const KIND_NAME = /^[a-z0-9.-]+$/;
const RFC_1123_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

describe('cluster names', () => {
  it('fit both tools and give the run id back', () => {
    const runId = '20261201-193616-a1b2c3';
    const names = [perCellClusterName(runId, 'sample-app/1.0.0-to-1.1.0/rolling'), perRunClusterName(runId, '1.34.0'), perRunClusterName(runId)];
    for (const name of names) {
      expect(name.startsWith(`uh-${runId}-`)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(CLUSTER_NAME_MAX_LENGTH);
      expect(name).toMatch(KIND_NAME);
      expect(name).toMatch(RFC_1123_LABEL);
      expect(runIdOfClusterName(name)).toBe(runId);
    }
    expect(new Set(names).size).toBe(3);
  });

  it('work for every run id the runner makes', () => {
    const runId = newRunId();
    const name = perCellClusterName(runId, 'cell');
    expect(name.length).toBeLessThanOrEqual(CLUSTER_NAME_MAX_LENGTH);
    expect(runIdOfClusterName(name)).toBe(runId);
  });

  it('tell cells and versions apart, and stay the same for the same cell', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        const runId = '20261201-193616-a1b2c3';
        expect(perCellClusterName(runId, a)).toBe(perCellClusterName(runId, a));
        // Per-cell and per-run names never meet, whatever the hashes.
        expect(perCellClusterName(runId, a)).not.toBe(perRunClusterName(runId, a));
      }),
    );
    expect(perRunClusterName('r', '1.33.0')).not.toBe(perRunClusterName('r', '1.34.0'));
  });

  it('are not read as the harness’s when they are not', () => {
    for (const name of ['kind', 'k3s-default', 'uh-', 'uh-run', 'uh-run-x12345', 'uh-run-c1234', 'uh-Run-c12345', 'xuh-run-c12345']) {
      expect(runIdOfClusterName(name)).toBeNull();
    }
    expect(runIdOfClusterName('uh-run-c12345')).toBe('run');
  });

  it('refuse run ids that would not fit or not be valid names', () => {
    expect(() => perCellClusterName('20261201-193616-a1b2c3-extra', 'cell')).toThrow(/cannot name a cluster/);
    expect(() => perCellClusterName('Run_1', 'cell')).toThrow(/cannot name a cluster/);
    expect(() => perCellClusterName('-run', 'cell')).toThrow(/cannot name a cluster/);
  });
});

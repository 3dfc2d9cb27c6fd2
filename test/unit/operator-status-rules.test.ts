// The operator method's reading of a custom resource's status: a rule holds only on a status
// written for the generation the harness asked for, a condition's reason may be one of a list,
// a field is compared as text with {{version}} filled; and what changed in the conditions.
import { describe, expect, it } from 'vitest';
import type { StatusRule } from '../../harness/matrix/cell.ts';
import { conditionChanges, describeRule, ruleHolds, ruleMessage } from '../../harness/platforms/kubernetes/operator/status-rules.ts';

const done: StatusRule = { condition: { type: 'Ready', status: 'True' }, field: { pointer: '/status/version', value: '{{version}}' } };
const at = (generation: number, version: string, ready = 'True', conditionGeneration = generation) => ({
  metadata: { generation },
  status: { observedGeneration: generation, version, conditions: [{ type: 'Ready', status: ready, reason: 'Serving', observedGeneration: conditionGeneration }] },
});

describe('status rules', () => {
  it('hold when the condition and the field both say so for the version asked for', () => {
    expect(ruleHolds(done, at(2, '1.1.0'), 2, '1.1.0')).toBe(true);
    expect(ruleHolds(done, at(2, '1.0.0'), 2, '1.1.0')).toBe(false);
    expect(ruleHolds(done, at(2, '1.1.0', 'False'), 2, '1.1.0')).toBe(false);
  });

  it('never hold on a status written for an older generation', () => {
    // Ready=True and the old version, from before the version field changed (generation 2 -> 3).
    expect(ruleHolds({ condition: { type: 'Ready', status: 'True' } }, at(2, '1.0.0'), 3, '1.1.0')).toBe(false);
    // The resource's status is current, but the condition itself was written for the old generation.
    const stale = { status: { observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 2 }] } };
    expect(ruleHolds({ condition: { type: 'Ready', status: 'True' } }, stale, 3, '1.1.0')).toBe(false);
    // An operator that writes no observedGeneration at all is judged by the rule alone.
    expect(ruleHolds({ field: { pointer: '/status/version', value: '{{version}}' } }, { status: { version: '1.1.0' } } as never, 3, '1.1.0')).toBe(true);
  });

  it('match a reason out of a list, and a missing condition or field never holds', () => {
    const failed: StatusRule = { condition: { type: 'Progressing', status: 'False', reason: ['PreMigrationFailed', 'PostMigrationFailed'] } };
    const progressing = (reason: string) => ({ status: { conditions: [{ type: 'Progressing', status: 'False', reason }] } });
    expect(ruleHolds(failed, progressing('PostMigrationFailed'), 1, '1.1.0')).toBe(true);
    expect(ruleHolds(failed, progressing('Complete'), 1, '1.1.0')).toBe(false);
    expect(ruleHolds(failed, {}, 1, '1.1.0')).toBe(false);
    expect(ruleHolds({ field: { pointer: '/status/version', value: '1.1.0' } }, { status: {} }, 0, '1.1.0')).toBe(false);
  });

  it('compare a field as text: a number in the status matches the value written in YAML', () => {
    expect(ruleHolds({ field: { pointer: '/status/replicas', value: '2' } }, { status: { replicas: 2 } } as never, 0, '1.0.0')).toBe(true);
  });

  it('describe themselves and quote the condition that answered', () => {
    expect(describeRule(done, '1.1.0')).toBe('condition Ready=True and /status/version = 1.1.0');
    const refused: StatusRule = { condition: { type: 'UpgradeRefused', status: 'True' } };
    const resource = { status: { conditions: [{ type: 'UpgradeRefused', status: 'True', reason: 'SkipsRequiredStop', message: '2.0.0 skips 1.1.0' }] } };
    expect(ruleMessage(refused, resource)).toBe('SkipsRequiredStop: 2.0.0 skips 1.1.0');
  });
});

describe('condition changes', () => {
  it('name each condition that appeared or changed, and nothing that stayed', () => {
    const before = { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Serving' }, { type: 'Progressing', status: 'False', reason: 'Complete' }] } };
    const after = {
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Serving' },
          { type: 'Progressing', status: 'True', reason: 'PreMigrating', message: 'Job web-migrate-pre-1-1-0' },
          { type: 'UpgradeRefused', status: 'False' },
        ],
      },
    };
    expect(conditionChanges(before, after)).toEqual(['Progressing=True PreMigrating: Job web-migrate-pre-1-1-0', 'UpgradeRefused=False']);
    expect(conditionChanges(after, after)).toEqual([]);
    expect(conditionChanges(undefined, before)).toEqual(['Ready=True Serving', 'Progressing=False Complete']);
  });
});

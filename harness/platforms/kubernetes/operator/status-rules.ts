// Reading an operator's answer from its custom resource: the scenario's status rules (a condition,
// a field's value, or both), and what changed in the status conditions, for the timeline. A status
// written for an older generation of the resource says nothing about the version just asked for:
// Kubernetes' API conventions give status.observedGeneration (and each condition's) for that.
import type { StatusRule } from '../../../matrix/cell.ts';
import { fillPlaceholders } from '../../../matrix/placeholders.ts';
import { resolvePointer } from '../../../util/json-pointer.ts';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface ResourceView {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

/** Whether `rule` holds on `resource` for `version`, written for generation `generation` or a later one. */
export function ruleHolds(rule: StatusRule, resource: ResourceView, generation: number, version: string): boolean {
  const observed = resource.status?.observedGeneration;
  if (typeof observed === 'number' && observed < generation) return false;
  if (rule.condition) {
    const { type, status, reason } = rule.condition;
    const condition = conditionsOf(resource).find((candidate) => candidate.type === type);
    if (!condition || condition.status !== status) return false;
    if (reason && !reason.includes(condition.reason ?? '')) return false;
    if (typeof condition.observedGeneration === 'number' && condition.observedGeneration < generation) return false;
  }
  if (rule.field) {
    const value = resolvePointer(resource, rule.field.pointer);
    if (value === undefined || value === null || String(value) !== fillPlaceholders(rule.field.value, { version })) return false;
  }
  return true;
}

/** "condition Ready=True and /status/version = 1.1.0", for messages. */
export function describeRule(rule: StatusRule, version: string): string {
  const parts: string[] = [];
  if (rule.condition) {
    const { type, status, reason } = rule.condition;
    parts.push(`condition ${type}=${status}${reason ? ` (reason ${reason.join(' or ')})` : ''}`);
  }
  if (rule.field) parts.push(`${rule.field.pointer} = ${fillPlaceholders(rule.field.value, { version })}`);
  return parts.join(' and ');
}

/** The message a condition the rule names carries (the operator's reason for refusing), if any. */
export function ruleMessage(rule: StatusRule, resource: ResourceView): string | undefined {
  if (!rule.condition) return undefined;
  const condition = conditionsOf(resource).find((candidate) => candidate.type === rule.condition!.type);
  if (!condition) return undefined;
  return [condition.reason, condition.message].filter(Boolean).join(': ') || undefined;
}

/** One line per condition that appeared or changed status, reason or message: "Progressing=True PreMigrating: ...". */
export function conditionChanges(before: ResourceView | undefined, after: ResourceView): string[] {
  const previous = new Map(conditionsOf(before).map((condition) => [condition.type, condition]));
  return conditionsOf(after)
    .filter((condition) => {
      const was = previous.get(condition.type);
      return !was || was.status !== condition.status || was.reason !== condition.reason || was.message !== condition.message;
    })
    .map((condition) => `${condition.type}=${condition.status}${condition.reason ? ` ${condition.reason}` : ''}${condition.message ? `: ${condition.message}` : ''}`);
}

function conditionsOf(resource: ResourceView | undefined): Condition[] {
  const conditions = resource?.status?.conditions;
  return Array.isArray(conditions) ? conditions.filter((condition) => condition && typeof condition.type === 'string') : [];
}

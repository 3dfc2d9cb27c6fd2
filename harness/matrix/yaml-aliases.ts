// YAML aliases (*name) repeat an anchored value (&name). Unchecked, a few hundred bytes of nested
// aliases expand to billions of values (an "alias bomb"), an alias inside its own anchor makes
// a value that contains itself, and an alias without an anchor is a crash in the YAML library:
// each becomes a problem located at the alias that causes it.
import { isAlias, isCollection, visit, type Alias, type Document, type Node } from 'yaml';

/** The yaml package's own guard (its default): uses of an anchor, multiplied through nesting. */
export const MAX_ALIAS_COUNT = 100;

export interface AliasProblem {
  offset: number;
  message: string;
}

export type PlainData = { ok: true; data: unknown } | { ok: false; problem: AliasProblem };

/** The document as plain data, or the alias that keeps it from being some. */
export function toPlainData(doc: Document): PlainData {
  const broken = brokenAlias(doc);
  if (broken) return { ok: false, problem: broken };
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // The library says only that the limit was passed, not where: find the alias responsible.
    if (error instanceof ReferenceError) return { ok: false, problem: expansionProblem(doc) };
    throw error;
  }
}

function brokenAlias(doc: Document): AliasProblem | undefined {
  const anchors = new Map<string, Node>();
  let problem: AliasProblem | undefined;
  visit(doc, {
    Node(_key, node, path) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.set(node.anchor, node);
        return undefined;
      }
      const target = anchors.get(node.source);
      if (!target) problem = at(node, `YAML alias *${node.source} refers to no anchor: put &${node.source} on a value before it`);
      else if (path.includes(target)) problem = at(node, `YAML alias *${node.source} is inside the value it repeats (&${node.source}): a value cannot contain itself`);
      return problem ? visit.BREAK : undefined;
    },
  });
  return problem;
}

/** The first alias of a collection that itself holds aliases (where expansion multiplies), else the alias used once too often. */
function expansionProblem(doc: Document): AliasProblem {
  const anchors = new Map<string, Node>();
  const holds = new Map<Node, boolean>();
  const uses = new Map<Node, number>();
  let nested: Alias | undefined;
  let overused: Alias | undefined;
  visit(doc, {
    Node(_key, node) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.set(node.anchor, node);
        return undefined;
      }
      const target = anchors.get(node.source)!;
      if (!holds.has(target)) holds.set(target, holdsAlias(target));
      if (holds.get(target)) {
        nested = node;
        return visit.BREAK;
      }
      const count = (uses.get(target) ?? 0) + 1;
      uses.set(target, count);
      if (count > MAX_ALIAS_COUNT) overused ??= node;
      return undefined;
    },
  });
  const limit = `more than ${MAX_ALIAS_COUNT} alias uses`;
  if (nested) {
    return at(nested, `YAML aliases expand to ${limit} (an "alias bomb"): *${nested.source} repeats a value that itself holds aliases, so each level multiplies the last; write the values out`);
  }
  const culprit = overused ?? firstAlias(doc);
  return at(culprit, `YAML aliases expand to ${limit}: *${culprit?.source ?? '?'} is used too often; write the values out`);
}

function holdsAlias(node: Node): boolean {
  if (!isCollection(node)) return false;
  let found = false;
  visit(node, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

function firstAlias(doc: Document): Alias | undefined {
  let first: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      first = node;
      return visit.BREAK;
    },
  });
  return first;
}

function at(node: Alias | undefined, message: string): AliasProblem {
  return { offset: node?.range?.[0] ?? 0, message };
}

// YAML text -> plain data, keeping the document so any dot-path can be located to a line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import type { ConfigIssue } from '../errors.ts';
import { formatPath, type FoundIssue, type PathSegment } from './found-issue.ts';
import { toPlainData } from './yaml-aliases.ts';
import { duplicateKeyOffsets } from './yaml-duplicate-keys.ts';

export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  data: unknown;
}

export type ParsedYaml = { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] };

/**
 * Syntax errors stop here: once the structure is broken, schema errors about the recovered
 * document would point at the wrong keys and hide the real problem. So do aliases that cannot
 * be expanded (see yaml-aliases.ts).
 */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const issueAt = (offset: number, message: string): ConfigIssue => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: '', message };
  };
  try {
    return checked(file, text, lineCounter, issueAt);
  } catch (error) {
    // Deep nesting the parser survived may still overflow a walk over it.
    if (error instanceof RangeError) return { ok: false, issues: [issueAt(0, TOO_DEEP)] };
    throw error;
  }
}

function checked(file: string, text: string, lineCounter: LineCounter, issueAt: (offset: number, message: string) => ConfigIssue): ParsedYaml {
  // uniqueKeys: false because the library's check is quadratic; duplicateKeyOffsets does it in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // After the first syntax error the parser's view is unreliable and later errors are mostly
  // echoes of it; duplicate keys are the exception: each is a separate mistake.
  const first = doc.errors[0];
  const duplicates = duplicateKeyOffsets(doc).map((offset) => issueAt(offset, 'YAML syntax: Map keys must be unique'));
  if (first || duplicates.length > 0) return { ok: false, issues: [...(first ? [issueAt(first.pos[0], syntaxMessage(first.message))] : []), ...duplicates] };
  const plain = toPlainData(doc);
  if (!plain.ok) return { ok: false, issues: [issueAt(plain.problem.offset, plain.problem.message)] };
  return { ok: true, source: { file, doc, lineCounter, data: plain.data } };
}

const TOO_DEEP = 'YAML nested too deeply to read (hundreds of levels): a matrix or scenario needs a handful';

function syntaxMessage(message: string): string {
  // The parser catches its own stack overflow and reports it as a syntax error.
  return message.includes('Maximum call stack size exceeded') ? TOO_DEEP : `YAML syntax: ${message}`;
}

/** Where an issue's path points: its value, or the nearest enclosing key that exists. */
export function locate(source: YamlSource, issue: FoundIssue): ConfigIssue {
  const offset = offsetOf(source.doc, issue.path, issue.atKey ?? false);
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col, path: formatPath(issue.path), message: issue.message };
}

function offsetOf(doc: Document, path: readonly PathSegment[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  // A missing key is reported on the line of the key that should hold it.
  let enclosingKeyOffset = offset;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = pairsOf(node).get(String(segment));
      if (!pair) return enclosingKeyOffset;
      const keyOffset = startOf(pair.key) ?? offset;
      node = pair.value;
      offset = atKey && index === path.length - 1 ? keyOffset : (startOf(node) ?? keyOffset);
      enclosingKeyOffset = keyOffset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return offset;
      node = item;
      offset = startOf(node) ?? offset;
      enclosingKeyOffset = offset;
    } else {
      return offset;
    }
  }
  return offset;
}

const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/**
 * A mapping's pairs by key, built once: searching the items for every issue was quadratic
 * (a file of 400,000 unknown keys scanned them all 400,000 times).
 */
function pairsOf(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      // As toJS names keys in the data the schema saw: a null key (`null:`, `~:`) becomes "".
      const key = isScalar(pair.key) ? (pair.key.value === null ? '' : String(pair.key.value)) : undefined;
      if (key !== undefined && !index.has(key)) index.set(key, pair);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

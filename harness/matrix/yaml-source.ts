// YAML text -> plain data, keeping the document so any dot-path can be located to a line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigIssue } from '../errors.ts';
import { formatPath, type FoundIssue, type PathSegment } from './found-issue.ts';

export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  data: unknown;
}

export type ParsedYaml = { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] };

/**
 * Syntax errors stop here: once the structure is broken, schema errors about the recovered
 * document would point at the wrong keys and hide the real problem.
 */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // After the first syntax error the parser's view is unreliable and later errors are mostly
    // echoes of it; duplicate keys are the exception: each is a separate mistake.
    const reported = doc.errors.filter((error, index) => index === 0 || error.code === 'DUPLICATE_KEY');
    const issues = reported.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { file, line, column: col, path: '', message: `YAML syntax: ${error.message}` };
    });
    return { ok: false, issues };
  }
  return { ok: true, source: { file, doc, lineCounter, data: doc.toJS() } };
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
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
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

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

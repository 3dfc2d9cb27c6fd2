// JSON pointers (RFC 6901), as scenarios name a field of a response: /build/version, /data/0/id.

/** "" (the whole document) or "/"-separated tokens, "~" escaped as ~0 and "/" as ~1. */
export const JSON_POINTER_PATTERN = /^(\/([^~]|~[01])*)*$/;

const MISSING = Symbol('missing');

/** The value the pointer names, or `undefined` when it does not resolve (a changed shape). */
export function resolvePointer(document: unknown, pointer: string): unknown {
  const found = walk(document, pointer);
  return found === MISSING ? undefined : found;
}

/** Whether the pointer resolves, even to null. */
export function pointerResolves(document: unknown, pointer: string): boolean {
  return walk(document, pointer) !== MISSING;
}

function walk(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const token of tokensOf(pointer)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= current.length) return MISSING;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return MISSING;
    }
  }
  return current;
}

/** Sets the field a pointer names, making the maps on the way; "" (the whole document) is no field. */
export function setPointer(document: object, pointer: string, value: unknown): void {
  const tokens = tokensOf(pointer);
  let current = document as Record<string, unknown>;
  for (const token of tokens.slice(0, -1)) {
    if (typeof current[token] !== 'object' || current[token] === null) current[token] = {};
    current = current[token] as Record<string, unknown>;
  }
  current[tokens.at(-1)!] = value;
}

function tokensOf(pointer: string): string[] {
  return pointer.slice(1).split('/').map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export const jsonTypes = ['string', 'number', 'boolean', 'array', 'object', 'null'] as const;
export type JsonType = (typeof jsonTypes)[number];

export function jsonTypeOf(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'object' ? type : 'undefined';
}

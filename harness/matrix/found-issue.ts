// A problem found by a schema or a named rule, before it is located in a file.
// Rules stay pure (data in, issues out); the loader turns paths into file:line.

export type PathSegment = string | number;

export interface FoundIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key itself (an unknown key) rather than at its value. */
  atKey?: boolean;
}

/** `hops[0].from`, `env["A.B"]`: the dot-path users see next to the line number. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

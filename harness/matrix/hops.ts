// Hops as the matrix gives them, explicitly or as a path, with where each version was written.
import type { PathSegment } from './found-issue.ts';
import type { MatrixConfig } from './matrix-schema.ts';

export interface LocatedHop {
  from: string;
  to: string;
  fromPath: PathSegment[];
  toPath: PathSegment[];
  /** refused: a negative cell (only explicit hops can say so). */
  expect: 'upgrade' | 'refused';
}

export function hopsOf(config: Pick<MatrixConfig, 'hops' | 'path'>): LocatedHop[] {
  if (config.hops) {
    return config.hops.map((hop, index) => ({ ...hop, expect: hop.expect ?? 'upgrade', fromPath: ['hops', index, 'from'], toPath: ['hops', index, 'to'] }));
  }
  const path = config.path ?? [];
  return path.slice(1).map((to, index) => ({
    from: path[index] ?? '',
    to,
    fromPath: ['path', index],
    toPath: ['path', index + 1],
    expect: 'upgrade' as const,
  }));
}

// Hops as the matrix gives them, explicitly or as a path, with where each version was written.
import type { PathSegment } from './found-issue.ts';
import type { MatrixConfig } from './matrix-schema.ts';

export interface LocatedHop {
  from: string;
  to: string;
  fromPath: PathSegment[];
  toPath: PathSegment[];
}

export function hopsOf(config: Pick<MatrixConfig, 'hops' | 'path'>): LocatedHop[] {
  if (config.hops) {
    return config.hops.map((hop, index) => ({ ...hop, fromPath: ['hops', index, 'from'], toPath: ['hops', index, 'to'] }));
  }
  const path = config.path ?? [];
  return path.slice(1).map((to, index) => ({
    from: path[index] ?? '',
    to,
    fromPath: ['path', index],
    toPath: ['path', index + 1],
  }));
}

import type { ReadProbe } from '../matrix/cell.ts';
import { jsonTypeOf, pointerResolves, resolvePointer } from '../util/json-pointer.ts';
import type { ResponseJudge } from './http-client.ts';
import { OUTCOME_OK, outcomeCode } from './outcome.ts';

const WRONG_BODY = outcomeCode('wrong-body');

/**
 * The read probe's `expect`, as a judge of successful answers: a status not listed, a body that
 * is not JSON, a pointer that does not resolve or a value of another type is `wrong-body`, the
 * way a client written against the old API would break. Undefined when nothing is expected.
 */
export function responseJudge(expect: ReadProbe['expect']): ResponseJudge | undefined {
  if (!expect) return undefined;
  const statuses = expect.status;
  const shape = Object.entries(expect.json ?? {});
  return (status, body) => {
    if (statuses && !statuses.includes(status)) return WRONG_BODY;
    if (shape.length === 0) return OUTCOME_OK;
    let document: unknown;
    try {
      document = JSON.parse(body === null ? '' : body.toString('utf8'));
    } catch {
      return WRONG_BODY;
    }
    for (const [pointer, type] of shape) {
      if (!pointerResolves(document, pointer) || jsonTypeOf(resolvePointer(document, pointer)) !== type) return WRONG_BODY;
    }
    return OUTCOME_OK;
  };
}

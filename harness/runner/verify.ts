import { UpgradeFailedError } from '../errors.ts';
import type { Scenario, VersionEndpoint } from '../matrix/cell.ts';
import { resolvePointer } from '../util/json-pointer.ts';
import type { Installation } from '../platforms/platform.ts';

const SAMPLES_THROUGH_FRONT_DOOR = 20;
const ASK_TIMEOUT_MS = 5000;

/**
 * The upgrade reached `expected`: the platform sees nothing wrong with the installation (every
 * replica or pod on that version, none died), and requests through the front door, where there is
 * one, are all served by it. Returns what the samples saw: versions, or what happened instead.
 */
export async function verifyVersion(installation: Installation, trafficUrl: string | null, scenario: Scenario, expected: string): Promise<string[]> {
  const problems = await installation.problems(expected);
  const platformSawProblems = problems.length > 0;
  const seen = new Map<string, number>();
  if (trafficUrl !== null) {
    for (let i = 0; i < SAMPLES_THROUGH_FRONT_DOOR; i++) {
      const answer = await askVersion(trafficUrl, scenario.endpoints.version);
      const what = answer.version === null ? answer.problem : `served by ${answer.version}`;
      seen.set(what, (seen.get(what) ?? 0) + 1);
    }
  }
  for (const [what, count] of seen) {
    if (what !== `served by ${expected}`) problems.push(`${count} of ${SAMPLES_THROUGH_FRONT_DOOR} requests through the front door: ${what}`);
  }
  if (problems.length > 0) {
    // The platform saw every replica right and no sample was served by another version: what went
    // wrong is answers that did not come in time, or a front door whose members' checks did not
    // pass in time. A starved machine does that too, so the verdict looks at the run's health
    // before it blames the product. A wrong version is never timing.
    const timingDependent = !platformSawProblems && [...seen.keys()].every((what) => what === `served by ${expected}` || !what.startsWith('served by '));
    throw new UpgradeFailedError(`verification of ${expected} failed: ${problems.join('; ')}`, { code: 'VERIFY_FAILED', timingDependent });
  }
  return [...seen.keys()];
}

/** A version, or what happened instead, in words for a failure message. */
export type VersionAnswer = { version: string } | { version: null; problem: string };

/**
 * Asks a base URL for the version where the scenario says the app tells it: the named header, or
 * the JSON pointer into the body; by default the X-App-Version header of a 200, else the body's `version`.
 */
export async function askVersion(baseUrl: string, endpoint: VersionEndpoint): Promise<VersionAnswer> {
  const url = baseUrl + endpoint.path;
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(ASK_TIMEOUT_MS) });
    body = await response.text();
  } catch (error) {
    return { version: null, problem: `no response: ${whyNoResponse(error)}` };
  }
  if (response.status !== 200) return { version: null, problem: `HTTP ${response.status}${frontDoorSays(response.headers)}` };
  if (endpoint.header !== undefined) {
    const named = response.headers.get(endpoint.header);
    return named ? { version: named } : { version: null, problem: `no ${endpoint.header} header in the answer to GET ${endpoint.path}` };
  }
  const header = endpoint.json === undefined ? response.headers.get('x-app-version') : null;
  if (header) return { version: header };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { version: null, problem: `the answer to GET ${endpoint.path} is not JSON${endpoint.json === undefined ? ' and has no X-App-Version header' : ''}` };
  }
  const found = endpoint.json === undefined ? (typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).version : undefined) : resolvePointer(parsed, endpoint.json);
  if (typeof found === 'string' || typeof found === 'number') return { version: String(found) };
  const where = endpoint.json === undefined ? 'no X-App-Version header and no "version" in the body' : `nothing at ${endpoint.json} in the body`;
  return { version: null, problem: `${where} of GET ${endpoint.path}` };
}

/** fetch says "fetch failed"; the socket's own error code is in its cause. */
function whyNoResponse(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `none within ${ASK_TIMEOUT_MS} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** " (front door: upstream reset, replica 1.0.0)" when the front door answered itself. */
function frontDoorSays(headers: Headers): string {
  const cause = headers.get('x-upstream-error');
  if (!cause) return '';
  const version = headers.get('x-upstream-version');
  return ` (front door: upstream ${cause}${version ? `, replica ${version}` : ''})`;
}

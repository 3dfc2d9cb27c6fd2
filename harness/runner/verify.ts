import { UpgradeFailedError } from '../errors.ts';
import type { Scenario } from '../matrix/cell.ts';
import type { Installation } from '../platforms/platform.ts';

const SAMPLES_THROUGH_FRONT_DOOR = 20;

/**
 * The upgrade reached `expected`: the platform sees nothing wrong with the installation (every
 * replica or pod on that version, none died), and requests through the front door, where there is
 * one, are all served by it.
 */
export async function verifyVersion(installation: Installation, trafficUrl: string | null, scenario: Scenario, expected: string): Promise<string[]> {
  const problems = await installation.problems(expected);
  const seen = new Map<string, number>();
  if (trafficUrl !== null) {
    for (let i = 0; i < SAMPLES_THROUGH_FRONT_DOOR; i++) {
      const served = (await servedVersion(trafficUrl + scenario.endpoints.version)) ?? 'no answer';
      seen.set(served, (seen.get(served) ?? 0) + 1);
    }
  }
  for (const [version, count] of seen) {
    if (version !== expected) problems.push(`${count} of ${SAMPLES_THROUGH_FRONT_DOOR} requests through the front door were served by ${version}`);
  }
  if (problems.length > 0) {
    throw new UpgradeFailedError(`verification of ${expected} failed: ${problems.join('; ')}`, { code: 'VERIFY_FAILED' });
  }
  return [...seen.keys()];
}

/** The version that answered: the X-App-Version header, else a JSON body's `version`. */
export async function servedVersion(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const header = response.headers.get('x-app-version');
    const body = await response.text();
    if (response.status !== 200) return null;
    if (header) return header;
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && 'version' in parsed ? String(parsed.version) : null;
  } catch {
    return null;
  }
}

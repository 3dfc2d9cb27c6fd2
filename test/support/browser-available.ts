// Browser tests run where Chromium is installed and are skipped, with the reason printed, where it
// is not, unless UPGRADE_HARNESS_REQUIRE_BROWSER=1 (CI installs Chromium and sets it): then a
// missing browser fails the test instead of hiding it.
import { chromiumMissing } from '../../harness/traffic/chromium.ts';

export interface BrowserAvailability {
  /** True: skip the browser tests (the reason has been printed). */
  skip: boolean;
  /** Why Chromium cannot run, or null. */
  missing: string | null;
}

export async function browserAvailability(what: string): Promise<BrowserAvailability> {
  const missing = await chromiumMissing();
  if (missing === null) return { skip: false, missing };
  if (process.env.UPGRADE_HARNESS_REQUIRE_BROWSER === '1') return { skip: false, missing };
  console.warn(`skipping ${what}: ${missing}`);
  return { skip: true, missing };
}

/** For the first test of a required-but-missing browser: fails with the reason. */
export function assertBrowserPresent(availability: BrowserAvailability): void {
  if (availability.missing !== null) throw new Error(`UPGRADE_HARNESS_REQUIRE_BROWSER=1 but ${availability.missing}`);
}

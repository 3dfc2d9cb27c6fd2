// One browser journey: load the scenario's page, fill its form with a unique value, submit, and
// expect the value on the page that comes back. What a user would see, judged like a request.
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { BrowserJourney } from '../matrix/cell.ts';
import { classifyStatus, OUTCOME_OK, outcomeCode } from './outcome.ts';
import { servingVersion } from './serving-version.ts';

export interface JourneyResult {
  outcome: number;
  /** HTTP status of the last page response, 0 when none arrived. */
  status: number;
  /** X-App-Version of the last page response. */
  version: string | null;
}

const TIMEOUT = outcomeCode('timeout');
const WRONG_BODY = outcomeCode('wrong-body');

/** Chromium's network error codes (net::ERR_*) in the harness's failure classes. */
export function classifyBrowserError(error: unknown): number {
  if (error instanceof Error && error.name === 'TimeoutError') return TIMEOUT;
  const message = error instanceof Error ? error.message : String(error);
  if (/net::ERR_CONNECTION_REFUSED/.test(message)) return outcomeCode('refused');
  if (/net::ERR_(CONNECTION_RESET|EMPTY_RESPONSE|CONNECTION_CLOSED|CONNECTION_ABORTED|SOCKET_NOT_CONNECTED|INVALID_CHUNKED_ENCODING|INCOMPLETE_CHUNKED_ENCODING)/.test(message)) return outcomeCode('reset');
  if (/net::ERR_TIMED_OUT|Timeout \d+ms exceeded/.test(message)) return TIMEOUT;
  return outcomeCode('other');
}

/**
 * A fresh context per journey (a new user: no cookies, no cache), so every journey asks the app
 * and not the browser's cache. Requests to any other origin are refused: the probe never leaves
 * the machine, and a page waiting on an unreachable CDN would time out for the wrong reason.
 */
export async function runJourney(browser: Browser, baseUrl: string, journey: BrowserJourney, value: string, timeoutMs: number): Promise<JourneyResult> {
  const origin = new URL(baseUrl).origin;
  let context: BrowserContext | undefined;
  const result: JourneyResult = { outcome: outcomeCode('other'), status: 0, version: null };
  const seen = (response: Response | null): void => {
    if (!response) return;
    result.status = response.status();
    result.version = servingVersion(response.headers());
  };
  try {
    context = await browser.newContext({ serviceWorkers: 'block' });
    context.setDefaultTimeout(timeoutMs);
    context.setDefaultNavigationTimeout(timeoutMs);
    await context.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    const loaded = await page.goto(new URL(journey.path, `${baseUrl.replace(/\/+$/, '')}/`).href, { waitUntil: 'load' });
    seen(loaded);
    if (!loaded) return result;
    const landing = classifyStatus(loaded.status());
    if (landing !== OUTCOME_OK) return { ...result, outcome: landing };
    if (!(await fillForm(page, journey.form, value))) return { ...result, outcome: WRONG_BODY };
    const [answer] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit(page, journey.form)]);
    seen(answer);
    if (!answer) return result;
    const outcome = classifyStatus(answer.status());
    if (outcome !== OUTCOME_OK) return { ...result, outcome };
    // innerText, not the HTML: a value echoed back only inside an input is not a shown result.
    const text = await page.locator('body').innerText();
    return { ...result, outcome: text.includes(value) ? OUTCOME_OK : WRONG_BODY };
  } catch (error) {
    // No answer to the step that failed: no status, but the version that served the journey so far
    // (the form's page) is kept, as the front door's X-Upstream-Version is for a plain request.
    return { ...result, status: 0, outcome: classifyBrowserError(error) };
  } finally {
    await context?.close().catch(() => {});
  }
}

/** Text a user types into: inputs without a type or of type text/search, and textareas. */
const TEXT_FIELDS = 'input:not([type]), input[type="text" i], input[type="search" i], input[type=""], textarea';

/** Fills every text field of the form as a user would; false when there is no such form or field. */
async function fillForm(page: Page, selector: string, value: string): Promise<boolean> {
  const form = page.locator(selector).first();
  if ((await form.count()) === 0) return false;
  const fields = await form.locator(TEXT_FIELDS).all();
  for (const field of fields) await field.fill(value);
  return fields.length > 0;
}

/** requestSubmit, like pressing the submit button: the form's own validation and handlers run. */
function submit(page: Page, selector: string): Promise<void> {
  return page.locator(selector).first().evaluate((form) => (form as unknown as { requestSubmit(): void }).requestSubmit());
}

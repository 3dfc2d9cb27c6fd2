// Finding and launching the machine's Chromium for the browser probe and the report tests.
// Never Playwright's own browser download: these machines have Debian's package or nothing.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { ProbeUnavailable } from './probe.ts';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Quiet, offline, headless: no call home, no update check, no QUIC probing of loopback. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.UPGRADE_HARNESS_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Why Chromium cannot run here, or null when it can be launched. */
export async function chromiumMissing(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const path = chromiumPath(env);
  try {
    await access(path, constants.X_OK);
  } catch {
    return `no Chromium at ${path} (install Debian's package: apt-get install -y chromium, or set UPGRADE_HARNESS_CHROMIUM)`;
  }
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install playwright-core)';
  }
  return null;
}

export interface LaunchOptions {
  /** Extra environment for the browser processes (tests mark them to find leftovers). */
  env?: Record<string, string>;
}

/**
 * Launches Chromium with a fresh profile (Playwright makes a temporary user-data-dir and removes it
 * on close). Throws ProbeUnavailable with the reason when it cannot start on this machine.
 * Signal handling stays with the harness: Playwright's own SIGINT handler would exit the process
 * before the runner tears cells down and writes reports.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const missing = await chromiumMissing();
  if (missing) throw new ProbeUnavailable(missing);
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath: chromiumPath(),
      args: chromiumArgs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 30_000,
      ...(options.env ? { env: { ...process.env, ...options.env } as Record<string, string> } : {}),
    });
  } catch (error) {
    const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new ProbeUnavailable(`Chromium at ${chromiumPath()} did not start: ${firstLine}`);
  }
}

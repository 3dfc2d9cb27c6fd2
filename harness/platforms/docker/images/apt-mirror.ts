// The Debian mirror this machine's apt uses: the only package source reachable here, so the base
// image is bootstrapped from it (and its apt keeps using it inside `docker build`).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const FALLBACK = 'http://deb.debian.org/debian';

/** UPGRADE_HARNESS_DEBIAN_MIRROR, else the first non-security URI of apt's sources, else deb.debian.org. */
export async function debianMirror(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.UPGRADE_HARNESS_DEBIAN_MIRROR) return env.UPGRADE_HARNESS_DEBIAN_MIRROR;
  const files = ['/etc/apt/sources.list', ...(await readdir('/etc/apt/sources.list.d').catch(() => [] as string[])).map((f) => join('/etc/apt/sources.list.d', f))];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const found = mirrorsIn(text).find((uri) => !/security/.test(uri));
    if (found) return found;
  }
  return FALLBACK;
}

/** URIs of one sources file, deb822 (`URIs: ...`) or one-line (`deb URI suite ...`) format. */
export function mirrorsIn(text: string): string[] {
  const uris: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const deb822 = /^URIs:\s*(\S+)/i.exec(line);
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line);
    const uri = deb822?.[1] ?? oneLine?.[1];
    if (uri && /^https?:\/\//.test(uri)) uris.push(uri);
  }
  return uris;
}

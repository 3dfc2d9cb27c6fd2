import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Secrets the setup step printed (a token the probes send), masked wherever the cell writes text. */
export class SecretMask {
  #secrets: string[] = [];

  /** Values shorter than 4 characters are not masked: they would mask every digit of a report. */
  add(values: Iterable<string>): void {
    for (const value of values) if (value.length >= 4 && !this.#secrets.includes(value)) this.#secrets.push(value);
    // Longest first, so a secret holding another is masked whole.
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.#secrets.length === 0;
  }

  /**
   * Masks every file of a cell's log folder once its processes are gone: the app's own logs
   * (captured by the harness) may quote the token a probe sent, as a failing query does.
   */
  async maskFolder(dir: string): Promise<void> {
    if (this.empty) return;
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const text = await readFile(file, 'utf8');
      const masked = this.mask(text);
      if (masked !== text) await writeFile(file, masked);
    }
  }

  mask(text: string): string {
    let masked = text;
    for (const secret of this.#secrets) masked = masked.replaceAll(secret, '***');
    return masked;
  }
}

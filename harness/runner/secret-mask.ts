/** Secrets the setup step printed (a token the probes send), masked wherever the cell writes text. */
export class SecretMask {
  #secrets: string[] = [];

  /** Values shorter than 4 characters are not masked: they would mask every digit of a report. */
  add(values: Iterable<string>): void {
    for (const value of values) if (value.length >= 4 && !this.#secrets.includes(value)) this.#secrets.push(value);
    // Longest first, so a secret holding another is masked whole.
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let masked = text;
    for (const secret of this.#secrets) masked = masked.replaceAll(secret, '***');
    return masked;
  }
}

import type { Integrity } from '../results.ts';

/** "9 not found, 1 with another value" for a ledger that lost writes; empty when none were. */
export function lostWritesText(integrity: Integrity): string {
  const by = integrity.lostBy;
  if (!by || integrity.writesLost === 0) return '';
  const parts = [
    by.notFound > 0 ? `${by.notFound} not found` : '',
    by.differentValue > 0 ? `${by.differentValue} with another value` : '',
    by.errorStatus > 0 ? `${by.errorStatus} whose read-back failed` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

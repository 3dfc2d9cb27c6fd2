import { describe, expect, it } from 'vitest';
import { closest, suggestion } from '../../harness/matrix/did-you-mean.ts';

describe('did you mean', () => {
  const methods = ['recreate', 'rolling', 'blue-green', 'canary'];

  it('suggests the closest word for a typo, including swapped letters', () => {
    expect(closest('rolingg', methods)).toBe('rolling');
    expect(closest('bluegreen', methods)).toBe('blue-green');
    expect(closest('prot', ['port', 'host'])).toBe('port');
    expect(closest('TRAFFIC', ['traffic'])).toBe('traffic');
  });

  it('suggests nothing when no word is close, and lists the known ones instead', () => {
    expect(closest('helm', methods)).toBeUndefined();
    expect(suggestion('helm', methods)).toBe('; known: recreate, rolling, blue-green, canary');
    expect(suggestion('canray', methods)).toBe('; did you mean "canary"?');
  });
});

import { describe, expect, it } from 'vitest';
import { intern } from './intern';

describe('intern', () => {
  it('gives back an equal string for names, numbers-as-strings and __proto__', () => {
    for (const s of ['content-type', 'X-Request-Id', '0', '42', '__proto__', 'constructor', '']) {
      expect(intern(s)).toBe(s);
    }
    expect(intern('A'.repeat(300).toLowerCase())).toBe('a'.repeat(300));
  });
});

/** The teacher's PIN is kept only as a salted PBKDF2 hash, and checked against it. */
import { describe, expect, it } from 'vitest';
import { checkPin, hashPin, pinProblem } from '../../src/core/pin';

describe('PIN', () => {
  it('stores a salted hash, never the PIN, and checks it', async () => {
    const a = await hashPin('2468');
    const b = await hashPin('2468');
    expect(JSON.stringify(a)).not.toContain('2468');
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(a.iterations).toBeGreaterThanOrEqual(210_000);
    expect(await checkPin('2468', a)).toBe(true);
    expect(await checkPin('2469', a)).toBe(false);
    expect(await checkPin('', a)).toBe(false);
  });

  it('takes 4 to 12 digits', () => {
    expect(pinProblem('123')).toMatch(/4 to 12 digits/);
    expect(pinProblem('12a4')).toMatch(/4 to 12 digits/);
    expect(pinProblem('1234')).toBe('');
  });
});

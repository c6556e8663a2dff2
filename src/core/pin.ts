/**
 * The teacher's PIN, kept only as a PBKDF2-SHA-256 hash (a random salt, 210,000 iterations): the PIN itself
 * is never stored. It locks the app on a shared classroom laptop; it is not encryption of the data (a
 * person with the laptop's browser profile and developer tools can still read IndexedDB), and docs/privacy.md
 * says so.
 */

export interface PinHash {
  readonly salt: string;
  readonly hash: string;
  readonly iterations: number;
}

const ITERATIONS = 210_000;
const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A PIN is 4 to 12 digits. */
export function pinProblem(pin: string): string {
  return /^\d{4,12}$/.test(pin) ? '' : 'A PIN is 4 to 12 digits.';
}

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return b64(new Uint8Array(bits));
}

export async function hashPin(pin: string): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt: b64(salt), hash: await derive(pin, salt, ITERATIONS), iterations: ITERATIONS };
}

export async function checkPin(pin: string, stored: PinHash): Promise<boolean> {
  const hash = await derive(pin, unb64(stored.salt), stored.iterations);
  // Constant time over the (equal-length) base64 strings.
  let diff = hash.length ^ stored.hash.length;
  for (let i = 0; i < Math.min(hash.length, stored.hash.length); i++)
    diff |= hash.charCodeAt(i) ^ stored.hash.charCodeAt(i);
  return diff === 0;
}

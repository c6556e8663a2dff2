/**
 * Encrypted backups. A backup holds every student's face, so "Download backup" seals it with the
 * teacher's passphrase: AES-256-GCM with a key from PBKDF2-SHA-256 (a random 16-byte salt, 600,000
 * iterations, OWASP's figure for it) and a random 12-byte IV. The file is a small versioned header, then
 * the ciphertext; the header is authenticated too (GCM's additional data), so a changed byte anywhere, or a
 * wrong passphrase, fails whole and nothing is restored.
 *
 * Layout: "FABK" (4 bytes), header length (uint32, big-endian), header (UTF-8 JSON), ciphertext.
 */
import { m } from '../paraglide/messages';
import { ValidationError } from '../core/errors';

const MAGIC = [0x46, 0x41, 0x42, 0x4b]; // "FABK"
export const SEALED_FORMAT = 'face-attendance-backup';
export const SEALED_VERSION = 1;
const ITERATIONS = 600_000;
/** The shortest passphrase accepted. */
export const MIN_PASSPHRASE = 8;

interface SealedHeader {
  readonly format: string;
  readonly version: number;
  readonly kdf: 'PBKDF2-SHA-256';
  readonly iterations: number;
  readonly salt: string;
  readonly cipher: 'AES-256-GCM';
  readonly iv: string;
}

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function keyOf(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Whether the file is a sealed backup (by its first bytes). */
export async function isSealed(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return MAGIC.every((b, i) => head[i] === b);
}

/** Encrypts a backup with `passphrase`. */
export async function sealBackup(plain: Blob, passphrase: string): Promise<Blob> {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new ValidationError(m.passphrase_short({ min: MIN_PASSPHRASE }), { passphrase: 'short' });
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const header: SealedHeader = {
    format: SEALED_FORMAT,
    version: SEALED_VERSION,
    kdf: 'PBKDF2-SHA-256',
    iterations: ITERATIONS,
    salt: b64(salt),
    cipher: 'AES-256-GCM',
    iv: b64(iv),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const key = await keyOf(passphrase, salt, ITERATIONS);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: headerBytes },
    key,
    await plain.arrayBuffer(),
  );
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, headerBytes.length);
  return new Blob([new Uint8Array(MAGIC), length, headerBytes, sealed], { type: 'application/octet-stream' });
}

const damaged = (): ValidationError => new ValidationError(m.sealed_damaged(), { file: 'damaged' });

/** Decrypts a sealed backup; a wrong passphrase or a changed file gives a `ValidationError`, nothing else. */
export async function openBackup(file: Blob, passphrase: string): Promise<Blob> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw damaged();
  const length = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0);
  if (8 + length > bytes.length) throw damaged();
  const headerBytes = bytes.slice(8, 8 + length);
  let header: SealedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as SealedHeader;
  } catch {
    throw damaged();
  }
  if (header.format !== SEALED_FORMAT) throw damaged();
  if (header.version > SEALED_VERSION)
    throw new ValidationError(m.sealed_newer({ version: header.version }), { file: 'newer' });
  try {
    const key = await keyOf(passphrase, unb64(header.salt), header.iterations);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: unb64(header.iv), additionalData: headerBytes },
      key,
      bytes.slice(8 + length),
    );
    return new Blob([plain], { type: 'application/json' });
  } catch {
    throw new ValidationError(m.passphrase_wrong(), { passphrase: 'wrong' });
  }
}

/** Storage-level concerns: persistence, and a full disk turned into advice. */
import { m } from '../paraglide/messages';
import { StorageError } from '../core/errors';

function isQuotaError(error: unknown): boolean {
  const e = error as { name?: string; inner?: { name?: string } } | null;
  return e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError';
}

/**
 * Runs a write; a full disk becomes a `StorageError` that says what to do. Dexie rolls the transaction
 * back, so nothing half-written remains.
 */
export async function guardWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) {
      throw new StorageError(m.storage_full({ what }), { cause: error });
    }
    throw error;
  }
}

/** Asks the browser not to evict the data under storage pressure; true when granted. */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

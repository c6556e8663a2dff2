/**
 * A fresh database on fake-indexeddb for each test, deleted afterwards. Test files import
 * 'fake-indexeddb/auto' first of all, before Dexie looks for IndexedDB.
 */
import { afterEach, beforeEach } from 'vitest';
import { AttendanceDatabase } from '../../src/db/schema';

let counter = 0;

/** Registers the hooks; read `.db` inside a test. */
export function useTestDatabase(prefix: string): { db: AttendanceDatabase } {
  const holder = {} as { db: AttendanceDatabase };
  beforeEach(async () => {
    holder.db = new AttendanceDatabase(`${prefix}-${++counter}`);
    await holder.db.open();
  });
  afterEach(async () => {
    holder.db.close();
    await holder.db.delete();
  });
  return holder;
}

/** A stored classifier record trained on `classes` (only what erasure reads of it: its class list). */
export function classifierTrainedOn(classes: readonly string[]) {
  return { modelId: 'faceres', snapshot: JSON.stringify({ classes }), needsRetraining: false, trainedAt: 'x' };
}

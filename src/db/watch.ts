/**
 * Screens follow the database: `watch` runs a read again whenever a table it read changes, in this tab or
 * in another tab of the app (Dexie's liveQuery, which other tabs' writes reach through BroadcastChannel).
 */
import { liveQuery } from 'dexie';

/** Calls `next` with the result of `read` now and after every change that touches it; returns a stop. */
export function watch<T>(read: () => Promise<T>, next: (value: T) => void, error: (e: unknown) => void): () => void {
  const subscription = liveQuery(read).subscribe({ next, error });
  return () => subscription.unsubscribe();
}

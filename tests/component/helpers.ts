import { AppState } from '../../src/ui/app-state.svelte';

/**
 * A started app on a fresh in-memory database (fake-indexeddb): the real AppState, with every table
 * emptied first (the app's database is one per page, as in the browser).
 */
export async function freshApp(): Promise<AppState> {
  const app = new AppState();
  await app.db.open();
  await Promise.all(app.db.tables.map((t) => t.clear()));
  await app.init();
  return app;
}

/** The browser half of `npm run bench:db`: the same run on Chromium's IndexedDB, and the space it takes. */
import { runDbBench, type DbBenchOptions, type DbBenchResult } from './db-core';

async function benchDb(options: DbBenchOptions): Promise<DbBenchResult & { usageBytes: number | null }> {
  const result = await runDbBench('bench-db', { ...options, log: (line) => console.log(line) });
  const estimate = await navigator.storage?.estimate?.();
  return { ...result, usageBytes: estimate?.usage ?? null };
}

Object.assign(window, { benchDb });
document.getElementById('status')!.textContent = 'ready';

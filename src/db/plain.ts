/**
 * What reaches IndexedDB is plain data. The UI's reactive state (Svelte's `$state`) wraps objects in
 * proxies, and IndexedDB's structured clone refuses a proxy ("DataCloneError: #<Object> could not be
 * cloned"); a proxied value can reach any write (a student's consent, a setting, a form's field). The
 * database copies every value it writes through `plainCopy` (see `plainWrites`), so no write path has to
 * remember to.
 */
import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';

/** Kept as they are: structured clone takes them, and copying them would cost (photos, embeddings). */
function isOpaque(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/** A deep copy of objects and arrays (proxies become plain objects); Blobs, typed arrays and dates kept. */
export function plainCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object' || isOpaque(value)) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => plainCopy(v)) as T;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = plainCopy(v);
  return copy as T;
}

function plainRequest(req: DBCoreMutateRequest): DBCoreMutateRequest {
  if (req.type === 'add' || req.type === 'put') return { ...req, values: req.values.map((v: unknown) => plainCopy(v)) };
  return req;
}

/** Dexie middleware: every add and put of every table (also bulk writes, modify and update) stores plain data. */
export const plainWrites: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'PlainWrites',
  create: (down) => ({
    ...down,
    table: (name) => {
      const table = down.table(name);
      return { ...table, mutate: (req) => table.mutate(plainRequest(req)) };
    },
  }),
};

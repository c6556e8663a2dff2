/**
 * Backup and restore of the whole database as one file (dexie-export-import's format, which carries a
 * format version and the database's schema version). Restore checks the whole file before it writes: a
 * truncated, foreign or newer file changes nothing and says why.
 */
import { m } from '../paraglide/messages';
import { exportDB, importInto, peakImportFile } from 'dexie-export-import';
import { ValidationError } from '../core/errors';
import { AttendanceDatabase } from './schema';
import { rebuildAllPacks } from './samples';
import { guardWrite } from './storage';

/** Derived from the face samples: left out of backups and rebuilt on restore. */
const DERIVED_TABLES = ['embeddingPacks'];

/** The key a one-class file carries beside dexie-export-import's own (see `class-file.ts`). */
export const SCOPE_KEY = 'faceAttendanceScope';

export interface ClassScope {
  readonly className: string;
}

/** The class a backup file holds (see `class-file.ts`), or null for a backup of everything. */
export async function classScopeOf(file: Blob): Promise<ClassScope | null> {
  try {
    const scope = (JSON.parse(await file.text()) as Record<string, unknown>)[SCOPE_KEY] as ClassScope | undefined;
    return scope && typeof scope.className === 'string' ? { className: scope.className } : null;
  } catch {
    return null;
  }
}

/** The whole database as a JSON file (face crops and embeddings included). */
export function exportBackup(db: AttendanceDatabase): Promise<Blob> {
  return exportDB(db, { prettyJson: false, skipTables: DERIVED_TABLES });
}

export interface BackupSummary {
  readonly databaseVersion: number;
  readonly tables: Readonly<Record<string, number>>;
}

/** Checks a backup file without writing anything; throws `ValidationError` saying what is wrong. */
export async function checkBackup(db: AttendanceDatabase, file: Blob): Promise<BackupSummary> {
  const text = await file.text();
  let parsed: {
    formatName?: string;
    formatVersion?: number;
    data?: {
      databaseName?: string;
      databaseVersion?: number;
      tables?: { name: string; rowCount: number }[];
      data?: { tableName: string; rows: unknown[] }[];
    };
  };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new ValidationError(m.backup_incomplete(), {
      file: 'not JSON',
    });
  }
  if (parsed.formatName !== 'dexie' || !parsed.data || !Array.isArray(parsed.data.tables)) {
    throw new ValidationError(m.backup_foreign(), { file: 'foreign' });
  }
  const known = new Set(db.tables.map((t) => t.name));
  if (parsed.data.databaseName !== db.name || parsed.data.tables.some((t) => !known.has(t.name))) {
    throw new ValidationError(m.backup_other_db(), {
      file: 'foreign',
    });
  }
  const version = parsed.data.databaseVersion ?? 0;
  if (version > db.verno) {
    throw new ValidationError(m.backup_newer({ version, reads: db.verno }), { file: 'newer' });
  }
  const rows = new Map((parsed.data.data ?? []).map((t) => [t.tableName, t.rows.length]));
  for (const t of parsed.data.tables) {
    if ((rows.get(t.name) ?? 0) !== t.rowCount) {
      throw new ValidationError(
        `The backup's ${t.name} table is incomplete (${rows.get(t.name) ?? 0} of ${t.rowCount} rows). Nothing was changed.`,
        {
          file: 'incomplete',
        },
      );
    }
  }
  await peakImportFile(file);
  return { databaseVersion: version, tables: Object.fromEntries(parsed.data.tables.map((t) => [t.name, t.rowCount])) };
}

/**
 * Replaces everything in the database with the backup, after checking it whole, all or nothing. The file
 * is first imported into a staging database (dexie-export-import reads the file in chunks between its own
 * transactions, and clears tables in transactions of their own: a crash or a failing row there used to
 * leave an empty database); then one transaction replaces every table with the staged rows and rebuilds the
 * packs. After a failure or a killed browser at any moment the database holds the old data or the new.
 */
export async function restoreBackup(db: AttendanceDatabase, file: Blob): Promise<BackupSummary> {
  const scope = await classScopeOf(file);
  if (scope) {
    throw new ValidationError(m.backup_is_class({ className: scope.className }), { file: 'one class' });
  }
  const summary = await checkBackup(db, file);
  const staging = new AttendanceDatabase(`${db.name}-restoring`);
  try {
    await staging.delete();
    await staging.open();
    await guardWrite(m.what_backup_read(), () =>
      importInto(staging, file, { acceptNameDiff: true, acceptVersionDiff: true }),
    );
    const rows = await Promise.all(staging.tables.map(async (t) => [t.name, await t.toArray()] as const));
    await guardWrite(m.what_restored(), () =>
      db.transaction('rw', db.tables, async () => {
        for (const t of db.tables) await t.clear();
        for (const [name, list] of rows) await db.table(name).bulkAdd(list);
        await rebuildAllPacks(db);
      }),
    );
  } finally {
    staging.close();
    await staging.delete();
  }
  return summary;
}

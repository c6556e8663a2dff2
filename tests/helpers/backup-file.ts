import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBackup } from '../../src/db/backup';
import { AttendanceDatabase } from '../../src/db/schema';

/**
 * A backup file written in Node with the app's own functions (fake-indexeddb): `fill` puts a school's data
 * in an empty database of the app's own name (as a real backup carries it); the file's path comes back, for
 * a browser test to restore it through the app.
 */
export async function writeBackupFile(fill: (db: AttendanceDatabase) => Promise<void>): Promise<string> {
  const db = new AttendanceDatabase();
  await db.delete();
  await db.open();
  try {
    await fill(db);
    const file = join(mkdtempSync(join(tmpdir(), 'fa-backup-')), 'backup.json');
    writeFileSync(file, await (await exportBackup(db)).text());
    return file;
  } finally {
    db.close();
    await db.delete();
  }
}

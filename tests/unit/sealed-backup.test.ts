/** Encrypted backups (issue 14): a round trip restores a class whole; a wrong passphrase or a changed byte restores nothing. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { checkBackup, exportBackup, restoreBackup } from '../../src/db/backup';
import { isSealed, openBackup, sealBackup } from '../../src/db/sealed-backup';
import { addStudent, findStudents } from '../../src/db/students';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('sealed');

describe('encrypted backups', () => {
  it('seals a backup that holds no readable name, and opens it with the passphrase only', async () => {
    await addStudent(t.db, studentForm('SV1', 'Nguyễn Thị Hương'));
    const plain = await exportBackup(t.db);
    const sealed = await sealBackup(plain, 'lớp 10A mùa thu');
    expect(await isSealed(sealed)).toBe(true);
    expect(await isSealed(plain)).toBe(false);
    const text = new TextDecoder('latin1').decode(await sealed.arrayBuffer());
    expect(text).not.toContain('SV1');
    expect(text).toMatch(
      /^FABK.{4}\{"format":"face-attendance-backup","version":1,"kdf":"PBKDF2-SHA-256","iterations":600000/s,
    );

    await expect(openBackup(sealed, 'lớp 10A mùa xuân')).rejects.toThrow(/passphrase is wrong.*Nothing was changed/);
    const bytes = new Uint8Array(await sealed.arrayBuffer());
    for (const at of [bytes.length - 5, 30]) {
      const changed = bytes.slice();
      changed[at]! ^= 1;
      await expect(openBackup(new Blob([changed]), 'lớp 10A mùa thu')).rejects.toThrow(/Nothing was changed/);
    }
    await expect(openBackup(new Blob([bytes.slice(0, 20)]), 'lớp 10A mùa thu')).rejects.toThrow(/damaged or cut short/);

    const opened = await openBackup(sealed, 'lớp 10A mùa thu');
    expect(await opened.text()).toBe(await plain.text());
    await addStudent(t.db, studentForm('SV2', 'Trần Văn Nam'));
    expect((await checkBackup(t.db, opened)).tables.students).toBe(1);
    await restoreBackup(t.db, opened);
    expect((await findStudents(t.db)).map((s) => s.studentId)).toEqual(['SV1']);
  });

  it('refuses a short passphrase', async () => {
    await expect(sealBackup(new Blob(['{}']), 'short')).rejects.toThrow(/at least 8 characters/);
  });
});

/** Backup and restore on fake-indexeddb: a round trip keeps crops and embeddings; bad files change nothing. */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBackup, exportBackup, restoreBackup } from '../../src/db/backup';
import { AttendanceDatabase } from '../../src/db/schema';
import { addStudent, getStudent } from '../../src/db/students';
import { studentForm } from '../helpers/students';

let db: AttendanceDatabase;

beforeEach(async () => {
  db = new AttendanceDatabase('backup-test');
  await db.open();
  await addStudent(db, studentForm('S001', 'Nguyễn Thị Ánh'));
  await db.faceSamples.add({
    studentId: 'S001',
    face: null,
    imageKind: 'face-image',
    image: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], { type: 'image/jpeg' }),
    embeddings: { faceres: Float32Array.from([0.25, -0.5, 1]) },
    quality: { sharpness: 3, faceSize: 120 },
    source: 'camera',
    capturedAt: '2026-11-28T08:00:00Z',
  });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('backup and restore', () => {
  it('round-trips students, face crops and embeddings', async () => {
    const file = await exportBackup(db);
    await db.students.clear();
    await db.faceSamples.clear();
    const summary = await restoreBackup(db, file);
    expect(summary.tables).toMatchObject({ students: 1, faceSamples: 1 });
    expect((await getStudent(db, 'S001'))!.name).toBe('Nguyễn Thị Ánh');
    const sample = (await db.faceSamples.toArray())[0]!;
    expect(Array.from(sample.embeddings.faceres!)).toEqual([0.25, -0.5, 1]);
    expect(new Uint8Array(await sample.image.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  });

  it('is all or nothing: a backup that fails half-way through the import leaves the data as it was', async () => {
    // A backup whose students break the unique index on import (two rows with one ID): it passes the file
    // checks, and the write fails after the tables were cleared, as a browser killed mid-restore would.
    const json = JSON.parse(await (await exportBackup(db)).text()) as {
      data: {
        data: { tableName: string; rows: Record<string, unknown>[] }[];
        tables: { name: string; rowCount: number }[];
      };
    };
    const students = json.data.data.find((t) => t.tableName === 'students')!;
    students.rows.push({ ...students.rows[0]!, id: 999 });
    json.data.tables.find((t) => t.name === 'students')!.rowCount = students.rows.length;
    const broken = new Blob([JSON.stringify(json)], { type: 'application/json' });
    await addStudent(db, studentForm('S002', 'Trần Văn Bình'));
    await expect(restoreBackup(db, broken)).rejects.toThrow();
    expect((await db.students.toArray()).map((s) => s.studentId).sort()).toEqual(['S001', 'S002']);
    expect(await db.faceSamples.count()).toBe(1);
  });

  it('refuses a truncated, a foreign and a newer file, changing nothing', async () => {
    const text = await (await exportBackup(db)).text();
    const cases: [Blob, RegExp][] = [
      [new Blob([text.slice(0, text.length / 2)]), /cut short or damaged/],
      [new Blob([JSON.stringify({ hello: 'world' })]), /not a backup of this app/],
      [new Blob([text.replace('"databaseName":"backup-test"', '"databaseName":"someone-else"')]), /another app/],
      [new Blob([text.replace(/"databaseVersion":\d+/, '"databaseVersion":99')]), /newer version of the app/],
    ];
    await db.students.update((await getStudent(db, 'S001'))!.id, { name: 'Changed Since' });
    for (const [file, message] of cases) {
      await expect(restoreBackup(db, file)).rejects.toThrow(message);
      expect((await getStudent(db, 'S001'))!.name).toBe('Changed Since');
      expect(await db.faceSamples.count()).toBe(1);
    }
    await expect(checkBackup(db, new Blob([text]))).resolves.toMatchObject({ tables: { students: 1 } });
  });
});

/**
 * Test page of the fault tests: the app's own repositories write in Chromium's IndexedDB in an endless
 * loop (enrolment photos, attendance marks, trained classifiers, restores), and log each write once it
 * is confirmed, until the test kills the browser; after the relaunch `check` reads everything back.
 */
import { AttendanceDatabase } from '../../../src/db/schema';
import { exportBackup, restoreBackup } from '../../../src/db/backup';
import { checkIntegrity, type IntegrityReport } from '../../../src/db/integrity';
import { addFaceSamples, saveClassifier, type NewFaceSample } from '../../../src/db/samples';
import { addStudent, findStudents } from '../../../src/db/students';
import { eraseEverything } from '../../../src/db/attendance';
import { markByHand, startSession } from '../../../src/services/attendance';
import { studentForm } from '../../helpers/students';

const db = new AttendanceDatabase('face-attendance-crash');

/** A photo of about 30 KB and a 512-d embedding: writes as big as the app's. */
function sample(i: number): NewFaceSample {
  const bytes = new Uint8Array(30_000).map((_, k) => (k * 31 + i) & 255);
  bytes.set([0xff, 0xd8]);
  return {
    face: null,
    imageKind: 'face-image',
    image: new Blob([bytes], { type: 'image/jpeg' }),
    embeddings: { faceres: Float32Array.from({ length: 512 }, (_, k) => Math.sin(i + k)) },
    quality: { sharpness: 100, faceSize: 150 },
    source: 'camera',
    capturedAt: new Date(Date.UTC(2026, 8, 1, 8, 0, 0, i)).toISOString(),
  };
}

async function seed(prefix: string, n: number, photos = 0): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const id = `${prefix}${String(i).padStart(2, '0')}`;
    await addStudent(db, studentForm(id, `Student ${id}`));
    if (photos)
      await addFaceSamples(
        db,
        id,
        Array.from({ length: photos }, (_, k) => sample(i * 10 + k)),
      );
  }
}

const confirmed = (what: string, value: string | number): void => console.log(`confirmed ${what} ${value}`);

async function enrolForever(): Promise<void> {
  await seed('S', 10);
  let total = 0;
  for (let i = 0; ; i++) {
    await addFaceSamples(db, `S${String((i % 10) + 1).padStart(2, '0')}`, [
      sample(3 * i),
      sample(3 * i + 1),
      sample(3 * i + 2),
    ]);
    total += 3;
    confirmed('enrol', total);
  }
}

async function attendForever(): Promise<void> {
  await seed('S', 30);
  const students = await findStudents(db);
  for (let round = 0; ; round++) {
    const session = await startSession(db, {
      course: `Lesson ${round}`,
      className: '10A',
      start: new Date(),
      lateAfterMinutes: 10,
    });
    for (const [k, s] of students.entries()) {
      await markByHand(db, session.id!, s, 'present', 'Teacher');
      confirmed('attend', `${session.id} ${k + 1}`);
    }
  }
}

async function trainForever(): Promise<void> {
  await seed('S', 30);
  const classes = (await findStudents(db)).map((s) => s.studentId);
  const weights = classes.map((_, c) => Array.from({ length: 1024 }, (_, k) => Math.sin(c * k)));
  for (let i = 0; ; i++) {
    await saveClassifier(db, 'faceres', JSON.stringify({ classes, weights, round: i }), `t${i}`);
    confirmed('train', i);
  }
}

async function restoreForever(): Promise<void> {
  await seed('A', 12, 3);
  const a = await exportBackup(db);
  await eraseEverything(db);
  await seed('B', 8, 3);
  const b = await exportBackup(db);
  confirmed('restore', 'B');
  for (;;) {
    await restoreBackup(db, a);
    confirmed('restore', 'A');
    await restoreBackup(db, b);
    confirmed('restore', 'B');
  }
}

async function check(): Promise<
  IntegrityReport & { studentIds: string[]; trainedAt: string[]; perSession: Record<string, string[]> }
> {
  const report = await checkIntegrity(db);
  const records = await db.attendance.toArray();
  const perSession: Record<string, string[]> = {};
  for (const r of records) (perSession[r.sessionId] ??= []).push(`${r.studentId}:${r.status}`);
  return {
    ...report,
    studentIds: (await findStudents(db)).map((s) => s.studentId).sort(),
    trainedAt: (await db.classifiers.toArray()).map((c) => c.trainedAt),
    perSession,
  };
}

/** After the relaunch: one more write works (the database is not left locked or broken). */
async function writeAgain(): Promise<number> {
  const [first] = await findStudents(db);
  const added = await addFaceSamples(db, first!.studentId, [sample(999)]);
  return added.length;
}

Object.assign(window, { enrolForever, attendForever, trainForever, restoreForever, check, writeAgain });
document.getElementById('status')!.textContent = 'ready';

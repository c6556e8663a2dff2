/** The integrity check the fault tests rely on: it passes whole data and names each broken rule. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/db/integrity';
import { addFaceSamples, saveClassifier } from '../../src/db/samples';
import { addStudent } from '../../src/db/students';
import { markByHand, startSession } from '../../src/services/attendance';
import { faceSample } from '../helpers/samples';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('integrity');

/** Two students with photos, a classifier on both, a session with both marked. */
async function wholeClass(): Promise<number> {
  const { db } = t;
  await addStudent(db, studentForm('S1', 'An'));
  await addStudent(db, studentForm('S2', 'Bình'));
  await addFaceSamples(db, 'S1', [faceSample(1), faceSample(2)]);
  await addFaceSamples(db, 'S2', [faceSample(3)]);
  await saveClassifier(db, 'faceres', JSON.stringify({ classes: ['S1', 'S2'] }), '2026-09-01T09:00:00Z');
  const session = await startSession(db, { course: 'Bio', className: '10A', start: new Date(), lateAfterMinutes: 10 });
  for (const id of ['S1', 'S2']) {
    await markByHand(db, session.id!, { studentId: id, name: id, className: '10A', faculty: '' }, 'present', 'T');
  }
  return session.id!;
}

describe('checkIntegrity', () => {
  it('finds nothing wrong in data written through the repositories, and counts it', async () => {
    await wholeClass();
    expect(await checkIntegrity(t.db)).toEqual({
      students: 2,
      samples: 3,
      sessions: 1,
      records: 2,
      classifiers: 1,
      problems: [],
    });
  });

  it('names a photo without its student, a wrong photo count and a pack naming a missing photo', async () => {
    const { db } = t;
    await wholeClass();
    const [first] = await db.faceSamples.where('studentId').equals('S1').toArray();
    await db.faceSamples.delete(first!.id);
    await db.faceSamples.add({ ...faceSample(9), studentId: 'S9' });
    const { problems } = await checkIntegrity(db);
    expect(problems).toContain('Photo 4 belongs to student S9, who is not there.');
    expect(problems).toContain('Student S1 counts 2 photos but has 1.');
    expect(problems).toContain(`The faceres pack of S1 names missing photos ${first!.id}.`);
    expect(problems).toHaveLength(3);
  });

  it('names a record whose session is gone, and a classifier that knows a student who is gone', async () => {
    const { db } = t;
    const sessionId = await wholeClass();
    await db.sessions.delete(sessionId);
    await db.students.where('studentId').equals('S2').delete();
    await db.faceSamples.where('studentId').equals('S2').delete();
    await db.embeddingPacks.where('studentId').equals('S2').delete();
    const { problems } = await checkIntegrity(db);
    expect(problems.filter((p) => /names session \d+, which is not there/.test(p))).toHaveLength(2);
    expect(problems).toContain('The faceres classifier knows S2, who are not there.');
    expect(problems).toHaveLength(3);
  });

  it('names a second classifier for one model, and one that cannot be read', async () => {
    const { db } = t;
    await wholeClass();
    await db.classifiers.add({ modelId: 'faceres', snapshot: '{"classes":', needsRetraining: false, trainedAt: 'x' });
    const { problems } = await checkIntegrity(db);
    expect(problems).toEqual([
      'The faceres classifier cannot be read.',
      '2 classifiers for faceres, where one is kept.',
    ]);
  });
});

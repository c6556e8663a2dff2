/**
 * Checks that the database holds together: what a crash, a killed tab or a half-done restore could break.
 * Every rule is one the repositories keep within a transaction, so a problem found here means a write was
 * not atomic. Used by the fault tests (the browser killed mid-write, then relaunched) and by anyone who
 * suspects the data.
 */
import type { AttendanceDatabase } from './schema';

export interface IntegrityReport {
  readonly students: number;
  readonly samples: number;
  readonly sessions: number;
  readonly records: number;
  readonly classifiers: number;
  /** Each broken rule, in words; empty where the data holds together. */
  readonly problems: readonly string[];
}

/** Reads every table in one read transaction and lists what does not hold together. */
export async function checkIntegrity(db: AttendanceDatabase): Promise<IntegrityReport> {
  return db.transaction(
    'r',
    [db.students, db.faceSamples, db.embeddingPacks, db.classifiers, db.sessions, db.attendance],
    async () => {
      const [students, samples, packs, classifiers, sessions, records] = await Promise.all([
        db.students.toArray(),
        db.faceSamples.toArray(),
        db.embeddingPacks.toArray(),
        db.classifiers.toArray(),
        db.sessions.toArray(),
        db.attendance.toArray(),
      ]);
      const problems: string[] = [];
      const studentIds = new Set(students.map((s) => s.studentId));
      const sampleIds = new Set(samples.map((s) => s.id));
      const sessionIds = new Set(sessions.map((s) => s.id));

      const perStudent = new Map<string, number>();
      for (const s of samples) {
        perStudent.set(s.studentId, (perStudent.get(s.studentId) ?? 0) + 1);
        if (!studentIds.has(s.studentId))
          problems.push(`Photo ${s.id} belongs to student ${s.studentId}, who is not there.`);
      }
      for (const s of students) {
        const held = perStudent.get(s.studentId) ?? 0;
        if ((s.photoCount ?? 0) !== held) {
          problems.push(`Student ${s.studentId} counts ${s.photoCount ?? 0} photos but has ${held}.`);
        }
      }
      for (const p of packs) {
        if (!studentIds.has(p.studentId))
          problems.push(`A ${p.modelId} pack belongs to ${p.studentId}, who is not there.`);
        const missing = p.sampleIds.filter((id) => !sampleIds.has(id));
        if (missing.length)
          problems.push(`The ${p.modelId} pack of ${p.studentId} names missing photos ${missing.join(', ')}.`);
        if (p.codes.length !== p.sampleIds.length * p.dimension) {
          problems.push(
            `The ${p.modelId} pack of ${p.studentId} holds ${p.codes.length} values, not ${p.sampleIds.length} × ${p.dimension}.`,
          );
        }
      }
      const models = new Map<string, number>();
      for (const c of classifiers) {
        models.set(c.modelId, (models.get(c.modelId) ?? 0) + 1);
        let classes: unknown;
        try {
          classes = (JSON.parse(c.snapshot) as { classes?: unknown }).classes;
        } catch {
          problems.push(`The ${c.modelId} classifier cannot be read.`);
          continue;
        }
        if (!Array.isArray(classes)) {
          problems.push(`The ${c.modelId} classifier names no students.`);
          continue;
        }
        // Erasing or deleting a student removes every classifier that knows them (it summarises their face).
        const gone = classes.filter((l) => typeof l !== 'string' || !studentIds.has(l));
        if (gone.length) problems.push(`The ${c.modelId} classifier knows ${gone.join(', ')}, who are not there.`);
      }
      for (const [modelId, n] of models)
        if (n > 1) problems.push(`${n} classifiers for ${modelId}, where one is kept.`);
      const pairs = new Set<string>();
      for (const r of records) {
        if (!sessionIds.has(r.sessionId) && !r.sessionCopy) {
          problems.push(`Attendance record ${r.id} names session ${r.sessionId}, which is not there.`);
        }
        const pair = `${r.sessionId}|${r.studentId}`;
        if (pairs.has(pair)) problems.push(`Two records for student ${r.studentId} in session ${r.sessionId}.`);
        pairs.add(pair);
      }
      return {
        students: students.length,
        samples: samples.length,
        sessions: sessions.length,
        records: records.length,
        classifiers: classifiers.length,
        problems,
      };
    },
  );
}

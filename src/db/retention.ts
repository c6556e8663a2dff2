/**
 * How long faces are kept. The school sets a date when face data ends (the end of term) and/or a number of
 * days after which a student's face data, not used since, is erased ("used": a photo taken, or the camera
 * recognising them). The purge runs when the app starts and daily while it is open; it erases with
 * `eraseFaceData` (samples, packs, classifiers holding them); students and attendance stay.
 */
import { m } from '../paraglide/messages';
import type { AttendanceDatabase } from './schema';
import { eraseFaceData } from './consent';

export interface RetentionRule {
  /** YYYY-MM-DD: from the day after it, no face data is kept; '' for none. */
  readonly faceDataUntil: string;
  /** Face data not used for this many days is erased; 0 for never. */
  readonly faceDataUnusedDays: number;
}

export interface PurgeResult {
  /** ISO time of the purge. */
  readonly at: string;
  /** Students whose face data was erased, and why. */
  readonly students: readonly { readonly studentId: string; readonly name: string }[];
  readonly samples: number;
  readonly classifiers: number;
  readonly reason: string;
}

const DAY = 86_400_000;

/** When each student's face data was last used: their latest photo or camera sighting. */
async function lastUse(db: AttendanceDatabase): Promise<Map<string, string>> {
  const last = new Map<string, string>();
  const later = (id: string, at: string | null | undefined): void => {
    if (at && at > (last.get(id) ?? '')) last.set(id, at);
  };
  await db.faceSamples.each((s) => later(s.studentId, s.capturedAt));
  await db.attendance.each((r) => {
    if (r.how !== 'manual') later(r.studentId, r.lastSeen ?? r.firstSeen);
  });
  return last;
}

/** Erases what the rule no longer allows; returns what it did (nothing erased: an empty list). */
export async function purgeFaceData(
  db: AttendanceDatabase,
  rule: RetentionRule,
  now = new Date(),
): Promise<PurgeResult> {
  const today = now.toISOString().slice(0, 10);
  const ended = !!rule.faceDataUntil && today > rule.faceDataUntil;
  const withPhotos = (await db.students.toArray()).filter((s) => (s.photoCount ?? 0) > 0);
  let due = withPhotos;
  let reason = m.retention_until({ date: rule.faceDataUntil });
  if (!ended) {
    reason = m.retention_reason_unused({ count: rule.faceDataUnusedDays });
    if (!(rule.faceDataUnusedDays > 0)) due = [];
    else {
      const last = await lastUse(db);
      const cutoff = new Date(now.getTime() - rule.faceDataUnusedDays * DAY).toISOString();
      due = withPhotos.filter((s) => (last.get(s.studentId) ?? s.createdAt) < cutoff);
    }
  }
  const erased = await eraseFaceData(
    db,
    due.map((s) => s.studentId),
  );
  return {
    at: now.toISOString(),
    students: due.map((s) => ({ studentId: s.studentId, name: s.name })),
    samples: erased.samples,
    classifiers: erased.classifiers,
    reason,
  };
}

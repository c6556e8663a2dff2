/**
 * Presence over a lesson, from the camera's sightings: a student marked present whose face was last seen
 * more than `minutes` before the session ended "left early". Only a session that was stopped has an end;
 * a student marked by hand without a sighting has no "last seen" and is never counted as leaving.
 */
import type { AttendanceRecord, Session } from './schema';

export { DEFAULT_LEFT_EARLY_MINUTES } from '../core/defaults';

export function leftEarly(record: AttendanceRecord, session: Session | undefined, minutes: number): boolean {
  if (!(minutes > 0) || !session?.end || session.endEstimated || !record.lastSeen) return false;
  if (record.status !== 'present' && record.status !== 'late') return false;
  return new Date(session.end).getTime() - new Date(record.lastSeen).getTime() > minutes * 60_000;
}

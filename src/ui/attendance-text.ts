/**
 * The Attendance screen's words for faces and records: the tag drawn on a face, its line in the list under
 * the video, and how a student not here stands. Plain functions (no DOM, no state), tested in Node.
 */
import type { AttendanceRecord, Student } from '../services/data';
import type { TrackView } from '../services/live-tracks';
import type { FaceTone } from '../services/overlay';

/** An ISO time as HH:MM on the teacher's clock, or '' for none. */
export function clockTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

/** "Ana N." from "Ana Nguyen": a tag short enough for a crowded frame (the full name is in the list). */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  return `${parts[0]} ${parts.at(-1)![0]}.`;
}

/** How a face's box is drawn: a student marked before this track's decision is drawn quieter. */
export function toneOf(t: TrackView): FaceTone {
  if (t.state === 'student') return t.alreadyMarked ? 'marked' : 'student';
  return t.state;
}

/**
 * The tag drawn on a face: the short name, the name with "?" while it is only a suggestion, … or ?; with
 * "photo?" where the face looks like a still picture held up to the camera.
 */
export function tagOf(t: TrackView, student: Student | undefined): string {
  const name = student ? shortName(student.name) : t.studentId;
  const photo = t.picture === 'still' ? ' · photo?' : '';
  if (t.state === 'student') return `${name}${photo}`;
  if (t.state === 'maybe') return `${name}?${photo}`;
  return t.state === 'pending' ? '…' : `?${photo}`;
}

/** A face in words, for the list under the video (and screen readers). */
export function describeFace(t: TrackView, student: Student | undefined): string {
  const pct = `${Math.round(t.prediction.probability * 100)}%${t.picture === 'still' ? ' · looks like a photo held up to the camera' : ''}`;
  const who = student
    ? `${student.studentId} · ${student.name} · ${student.className} · ${student.faculty}`
    : t.studentId;
  if (t.state === 'student') return `${who} · ${pct}${t.alreadyMarked ? ' · marked already' : ''}`;
  if (t.state === 'maybe') return `Maybe ${who} · ${pct}: confirm or reject in the list`;
  return t.state === 'pending' ? 'Looking…' : 'Unknown';
}

/** How a student not here stands: not seen yet, unmarked by hand, excused (with the note), absent. */
export function standing(r: AttendanceRecord | undefined): string {
  if (!r) return 'Not seen yet';
  if (r.status === 'excused') return `Excused${r.note ? `: ${r.note}` : ''}`;
  if (r.how === 'manual') return `Unmarked by hand${r.changedBy ? ` (${r.changedBy}, ${clockTime(r.changedAt)})` : ''}`;
  return 'Absent';
}

/**
 * The Attendance screen's words for faces and records: the tag drawn on a face, its line in the list under
 * the video, and how a student not here stands. Plain functions (no DOM, no state), tested in Node.
 */
import type { AttendanceRecord, Student } from '../services/data';
import type { TrackView } from '../services/live-tracks';
import type { FaceTone } from '../services/overlay';
import { clockTime, language, m } from './i18n';

/**
 * A tag short enough for a crowded frame (the full name is in the list): "Ana N." from "Ana Nguyen"; in
 * Vietnamese, where the given name comes last and is the one a class uses, "N.V. An" from "Nguyễn Văn An".
 */
export function shortName(name: string, lang: string = language()): string {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  if (lang === 'vi')
    return `${parts
      .slice(0, -1)
      .map((p) => `${p[0]!}.`)
      .join('')} ${parts.at(-1)!}`;
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
  const photo = t.picture === 'still' ? ` · ${m.tag_photo()}` : '';
  if (t.state === 'student') return `${name}${photo}`;
  if (t.state === 'maybe') return `${name}?${photo}`;
  return t.state === 'pending' ? '…' : `?${photo}`;
}

/** A face in words, for the list under the video (and screen readers). */
export function describeFace(t: TrackView, student: Student | undefined): string {
  const pct = `${Math.round(t.prediction.probability * 100)}%${t.picture === 'still' ? ` · ${m.face_looks_like_photo()}` : ''}`;
  const who = student
    ? `${student.studentId} · ${student.name} · ${student.className} · ${student.faculty}`
    : t.studentId;
  if (t.state === 'student') return `${who} · ${pct}${t.alreadyMarked ? ` · ${m.face_marked_already()}` : ''}`;
  if (t.state === 'maybe') return m.face_maybe({ who, pct });
  return t.state === 'pending' ? m.face_looking() : m.face_unknown();
}

/** How a student not here stands: not seen yet, unmarked by hand, excused (with the note), absent. */
export function standing(r: AttendanceRecord | undefined): string {
  if (!r) return m.standing_not_seen();
  if (r.status === 'excused') return r.note ? m.standing_excused_note({ note: r.note }) : m.standing_excused();
  if (r.how === 'manual') {
    return r.changedBy
      ? m.standing_unmarked_by({ who: r.changedBy, time: clockTime(r.changedAt) })
      : m.standing_unmarked();
  }
  return m.standing_absent();
}

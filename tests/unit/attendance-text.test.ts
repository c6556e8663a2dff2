import { describe, expect, it } from 'vitest';
import type { AttendanceRecord, Student } from '../../src/db/schema';
import type { TrackView } from '../../src/services/live-tracks';
import { describeFace, shortName, standing, tagOf, toneOf } from '../../src/ui/attendance-text';

const student = { studentId: 'S7', name: 'Nguyễn Thị Lan', className: '10A', faculty: 'Science' } as Student;

function track(state: TrackView['state'], alreadyMarked = false): TrackView {
  return {
    id: 3,
    detection: { box: { x: 0, y: 0, width: 40, height: 40 }, score: 0.99, landmarks: [] },
    state,
    studentId: 'S7',
    prediction: { label: null, nearest: 'S7', verdict: 'maybe', probability: 0.634, similarity: 0.5, score: 0.5 },
    frames: 4,
    embedded: 2,
    alreadyMarked,
  } as unknown as TrackView;
}

function record(patch: Partial<AttendanceRecord>): AttendanceRecord {
  return {
    sessionId: 1,
    studentId: 'S7',
    status: 'absent',
    firstSeen: null,
    lastSeen: null,
    bestScore: null,
    how: 'automatic',
    changedBy: null,
    changedAt: null,
    snapshot: { studentId: 'S7', name: 'Lan', className: '10A', faculty: 'Science' },
    ...patch,
  };
}

describe('the Attendance screen in words', () => {
  it('shortens a name to the first word and the last initial, and keeps a one-word name', () => {
    expect(shortName('Nguyễn Thị Lan')).toBe('Nguyễn L.');
    expect(shortName('  Ana  ')).toBe('Ana');
    expect(shortName('')).toBe('');
  });

  it('tags a face by its state: a name, a name with ?, … while looking, ? for a stranger', () => {
    expect(tagOf(track('student'), student)).toBe('Nguyễn L.');
    expect(tagOf(track('maybe'), student)).toBe('Nguyễn L.?');
    expect(tagOf(track('pending'), student)).toBe('…');
    expect(tagOf(track('unknown'), student)).toBe('?');
    // A student deleted meanwhile is tagged by ID.
    expect(tagOf(track('student'), undefined)).toBe('S7');
    // A face that looks like a still picture held up to the camera says so.
    expect(tagOf({ ...track('student'), picture: 'still' }, student)).toBe('Nguyễn L. · photo?');
    expect(describeFace({ ...track('maybe'), picture: 'still' }, student)).toMatch(
      /63% · looks like a photo held up to the camera: confirm or reject/,
    );
  });

  it('draws a student marked before the decision quieter than a new arrival', () => {
    expect(toneOf(track('student'))).toBe('student');
    expect(toneOf(track('student', true))).toBe('marked');
    expect(toneOf(track('maybe'))).toBe('maybe');
  });

  it('says a face in words with ID, name, class, faculty and the rounded probability', () => {
    expect(describeFace(track('student', true), student)).toBe(
      'S7 · Nguyễn Thị Lan · 10A · Science · 63% · marked already',
    );
    expect(describeFace(track('maybe'), student)).toBe(
      'Maybe S7 · Nguyễn Thị Lan · 10A · Science · 63%: confirm or reject in the list',
    );
    expect(describeFace(track('pending'), student)).toBe('Looking…');
    expect(describeFace(track('unknown'), student)).toBe('Unknown');
  });

  it('says how a student not here stands', () => {
    expect(standing(undefined)).toBe('Not seen yet');
    expect(standing(record({ status: 'excused', note: 'ill' }))).toBe('Excused: ill');
    expect(standing(record({ status: 'excused' }))).toBe('Excused');
    expect(standing(record({ how: 'manual', changedBy: 'Ms Hoa', changedAt: '2026-12-03T08:05:00Z' }))).toMatch(
      /^Unmarked by hand \(Ms Hoa, \d\d:\d\d( [AP]M)?\)$/,
    );
    expect(standing(record({}))).toBe('Absent');
  });
});

/** attendance.csv export and roster import, on fake-indexeddb. */
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors';
import { ATTENDANCE_COLUMNS, exportAttendanceCsv, neutraliseCell } from '../../src/db/csv';
import { guessMapping, importRoster, parseRoster, previewRoster } from '../../src/db/roster';
import { addStudent, findStudents } from '../../src/db/students';
import { markByHand, recordSighting, startSession } from '../../src/services/attendance';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('csv');

const student = (studentId: string, name: string) =>
  addStudent(t.db, studentForm(studentId, name, { course: 'Biology' }));

describe('neutraliseCell', () => {
  it.each(['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx'])('prefixes %j with an apostrophe', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });
  it('leaves ordinary text alone', () => {
    expect(neutraliseCell('Nguyễn Thị Ánh')).toBe('Nguyễn Thị Ánh');
  });
});

describe('attendance.csv', () => {
  it("has the original's columns and more, a BOM, names intact, formulas neutralised, one row a student", async () => {
    const a = await student('S001', 'Nguyễn Thị Ánh');
    const b = await student('S002', '=HYPERLINK("x")');
    const s1 = await startSession(t.db, {
      course: 'Biology',
      className: '10A',
      start: new Date('2026-11-28T08:00:00Z'),
    });
    await recordSighting(t.db, s1.id!, a, 0.934, new Date('2026-11-28T08:03:04Z'));
    await recordSighting(t.db, s1.id!, a, 0.97, new Date('2026-11-28T08:20:00Z'));
    await recordSighting(t.db, s1.id!, b, 0.8, new Date('2026-11-28T08:15:00Z'));
    // Stopped at 08:33: S002, last seen 18 minutes before, left early; S001 (13 minutes) did not.
    await t.db.sessions.update(s1.id, { end: '2026-11-28T08:33:00.000Z' });
    const s2 = await startSession(t.db, {
      course: 'Biology',
      className: '10A',
      start: new Date('2026-12-01T08:00:00Z'),
    });
    await markByHand(t.db, s2.id!, a, 'excused', 'Ms Lan', new Date('2026-12-01T07:55:00Z'));

    const all = await exportAttendanceCsv(t.db, {}, { timeZone: 'UTC' });
    expect(all.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(all.slice(1), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual([...ATTENDANCE_COLUMNS]);
    expect(parsed.slice(1)).toEqual([
      [
        'S001',
        'Nguyễn Thị Ánh',
        '10A',
        'Science',
        '2026-11-28',
        '08:03:04',
        'present',
        'Biology 10A 2026-11-28 08:00',
        '97%',
        '08:20:00',
        '',
        '',
      ],
      [
        'S002',
        `'=HYPERLINK("x")`,
        '10A',
        'Science',
        '2026-11-28',
        '08:15:00',
        'late',
        'Biology 10A 2026-11-28 08:00',
        '80%',
        '08:15:00',
        'yes',
        '',
      ],
      [
        'S001',
        'Nguyễn Thị Ánh',
        '10A',
        'Science',
        '2026-12-01',
        // Excused: the lesson's date, and no time, as nobody arrived.
        '',
        'excused',
        'Biology 10A 2026-12-01 08:00',
        '',
        '',
        '',
        '',
      ],
    ]);
    const one = Papa.parse<string[]>(
      (await exportAttendanceCsv(t.db, { sessionId: s2.id! }, { timeZone: 'UTC' })).slice(1),
      {
        skipEmptyLines: true,
      },
    ).data;
    expect(one).toHaveLength(2);
    const range = await exportAttendanceCsv(t.db, { from: '2026-11-01', to: '2026-11-30' }, { timeZone: 'UTC' });
    expect(range.trim().split('\r\n')).toHaveLength(3);
  });
});

const ROSTER = `\uFEFFMSSV,Họ tên,Lớp,Khoa,Email,Date of Birth
S001,Nguyễn Thị Ánh,10A,Science,anh@school.edu,2010-04-05
S002,Trần Văn Bình,10A,Science,,
S003,Lê Hoàng Cường,10B,Science,,
`;

describe('roster import', () => {
  it('guesses the columns, previews, and imports every row in one go with diacritics intact', async () => {
    const parsed = parseRoster(ROSTER);
    const mapping = guessMapping(parsed.headers);
    expect(mapping).toMatchObject({ studentId: 0, name: 1, className: 2, faculty: 3, email: 4, dateOfBirth: 5 });
    const preview = previewRoster(parsed, mapping, new Set());
    expect(preview).toMatchObject({ valid: 3, invalid: 0 });
    expect(await t.db.students.count()).toBe(0);
    expect(await importRoster(t.db, preview)).toBe(3);
    expect((await findStudents(t.db, 'cường'))[0]!.name).toBe('Lê Hoàng Cường');
  });

  it('shows per-row problems and imports nothing while any remain', async () => {
    await student('S002', 'Already Here');
    const text = `Student ID,Name,Faculty,Email\nS001,Ánh,Science,bad-mail\nS002,Bình,Science,\nS003,,Science,\nS004,Dũng,Science,\nS004,Dũng again,Science,\n`;
    const parsed = parseRoster(text);
    const preview = previewRoster(parsed, guessMapping(parsed.headers), new Set(['S002']));
    expect(preview.invalid).toBe(4);
    expect(preview.rows.map((r) => [r.line, Object.keys(r.errors)])).toEqual([
      [2, ['email']],
      [3, ['studentId']],
      [4, ['name']],
      [5, []],
      [6, ['studentId']],
    ]);
    expect(preview.rows[4]!.errors.studentId).toMatch(/also on line 5/);
    await expect(importRoster(t.db, preview)).rejects.toThrow(/4 rows have problems/);
    expect(await t.db.students.count()).toBe(1);
  });

  it('rejects a malformed or empty file with a message that says so', () => {
    expect(() => parseRoster('Student ID,Name\n"S001,Ánh\n')).toThrow(/not valid CSV.*line/);
    expect(() => parseRoster('Student ID,Name\n')).toThrow(/no student rows/);
    expect(() => parseRoster('')).toThrow(ValidationError);
  });
});

/** The report's numbers (charts, table, summary) and the e-mail helpers that need no network. */
import { afterEach, describe, expect, it } from 'vitest';
import { attendanceToCsv } from '../../src/db/csv';
import { setLocale } from '../../src/paraglide/runtime';
import type { AttendanceRecord, Session, Student } from '../../src/db/schema';
import { RelayError } from '../../src/core/errors';
import { csvDataUrl, mailtoLink, parseRecipients, RELAY_LIMIT_BYTES, sendReport } from '../../src/services/email';
import { buildReport, reportMail, reportSummary, reportToCsv } from '../../src/services/report';

const student = (studentId: string, name: string, className = '10A'): Student => ({
  studentId,
  name,
  className,
  faculty: 'Science',
  course: '',
  year: '',
  semester: '',
  gender: '',
  dateOfBirth: '',
  email: '',
  phone: '',
  address: '',
  photoSampleStatus: 'enough',
  consent: null,
  createdAt: '',
  updatedAt: '',
});

const session = (id: number, date: string, className = '10A'): Session => ({
  id,
  course: 'Biology',
  className,
  date,
  start: `${date}T08:00:00.000Z`,
  lateAfterMinutes: 10,
  end: null,
});

const record = (sessionId: number, s: Student, status: AttendanceRecord['status']): AttendanceRecord => ({
  sessionId,
  studentId: s.studentId,
  status,
  firstSeen: null,
  lastSeen: null,
  bestScore: null,
  how: 'automatic',
  changedBy: null,
  changedAt: null,
  snapshot: { studentId: s.studentId, name: s.name, className: s.className, faculty: s.faculty },
});

describe('buildReport', () => {
  const an = student('S1', 'An');
  const binh = student('S2', 'Bình');
  const chi = student('S3', 'Chi');
  const other = student('S9', 'Other class', '11B');
  const gone = student('S7', 'Deleted since');
  const sessions = [session(2, '2026-09-02'), session(1, '2026-09-01')];
  const records = [
    record(1, an, 'present'),
    record(1, binh, 'late'),
    record(1, gone, 'present'),
    record(2, an, 'present'),
    record(2, chi, 'excused'),
  ];
  const report = buildReport(sessions, records, [an, binh, chi, other]);

  it('rates each session over the class, by date, with absent for the unseen', () => {
    expect(report.sessions.map((s) => s.sessionId)).toEqual([1, 2]);
    // Session 1: An, Bình, Chi of 10A and the deleted student with a record; Chi absent.
    expect(report.sessions[0]).toMatchObject({ expected: 4, present: 2, late: 1, absent: 1, excused: 0, rate: 0.75 });
    // Session 2: An present, Bình absent, Chi excused (left out of the rate).
    expect(report.sessions[1]).toMatchObject({ expected: 3, present: 1, absent: 1, excused: 1, rate: 0.5 });
    expect(report.sessions[0]!.label).toMatch(/^Biology 10A 2026-09-01/);
  });

  it('rates each student over the sessions they were expected at, excused left out', () => {
    const by = new Map(report.students.map((s) => [s.studentId, s]));
    expect(by.get('S1')).toMatchObject({ expected: 2, present: 2, rate: 1 });
    expect(by.get('S2')).toMatchObject({ expected: 2, late: 1, absent: 1, rate: 0.5 });
    expect(by.get('S3')).toMatchObject({ expected: 2, absent: 1, excused: 1, rate: 0 });
    expect(by.get('S7')).toMatchObject({ name: 'Deleted since', expected: 1, rate: 1 });
    expect(by.has('S9')).toBe(false);
    expect(report).toMatchObject({ late: 1, absent: 2 });
    expect(report.rate).toBeCloseTo(4 / 6, 12);
    expect(reportSummary(report, 'Biology 10A')).toBe(
      'Biology 10A: 2 sessions, 4 students, attendance 67%, 1 late, 2 absent.',
    );
    expect(reportSummary(buildReport([session(1, '2026-09-01')], [record(1, an, 'present')], [an]), 'X')).toBe(
      'X: 1 session, 1 student, attendance 100%, 0 late, 0 absent.',
    );
  });

  it('mails which class, course and dates, the counts, and who was absent at which lesson', () => {
    const mail = reportMail(report, { school: 'THPT Phan Châu Trinh', teacher: 'Cô Lan' });
    expect(mail.subject).toBe('Attendance: 10A, Biology, 2026-09-01 to 2026-09-02');
    expect(mail.summary.split('\n\n')).toEqual([
      'Class: 10A. Course: Biology. Dates: 2026-09-01 to 2026-09-02 (2 sessions).',
      'Present: 3, late: 1, absent: 2, excused: 1; attendance 67%.',
      expect.stringMatching(
        /^Absent:\n- Biology 10A 2026-09-01 \d\d:\d\d: Chi \(S3\)\n- Biology 10A 2026-09-02 \d\d:\d\d: Bình \(S2\)$/,
      ),
      'Teacher: Cô Lan. School: THPT Phan Châu Trinh. Sent from Face Attendance.',
    ]);
  });

  it("the report's CSV is the table it shows: one row a student", () => {
    const lines = reportToCsv(report)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Student ID,Name,Class,Sessions,Present,Late,Absent,Excused,Attendance');
    expect(lines.slice(1)).toEqual([
      'S1,An,10A,2,2,0,0,0,100%',
      'S2,Bình,10A,2,0,1,1,0,50%',
      'S3,Chi,10A,2,0,0,1,1,0%',
      'S7,Deleted since,10A,1,1,0,0,0,100%',
    ]);
  });

  it('gives NaN rates rather than dividing by zero', () => {
    const empty = buildReport([session(1, '2026-09-01')], [], []);
    expect(empty.sessions[0]!.expected).toBe(0);
    expect(Number.isNaN(empty.rate)).toBe(true);
  });
});

describe('e-mail helpers', () => {
  it('checks recipients and names the wrong ones', () => {
    expect(parseRecipients('a@school.edu, b@school.edu;c@x.org')).toEqual(['a@school.edu', 'b@school.edu', 'c@x.org']);
    expect(() => parseRecipients('')).toThrow(/at least one recipient/);
    expect(() => parseRecipients('a@school.edu, nope')).toThrow(/Not an e-mail address: nope/);
  });

  it('attaches the CSV as a base64 data URL, byte for byte (UTF-8, BOM kept)', () => {
    const csv = '\uFEFFStudent ID,Name\r\nS1,Nguyễn Thị Ánh\r\n';
    const url = csvDataUrl(csv);
    expect(url.startsWith('data:text/csv;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1]!, 'base64').toString('utf8')).toBe(csv);
    expect(RELAY_LIMIT_BYTES).toBe(51_200);
  });

  it('refuses before sending anything: no relay set up, a wrong recipient, a file over the relay limit', async () => {
    const relay = {
      relayPublicKey: 'key',
      relayServiceId: 'service',
      relayTemplateId: 'template',
      recipients: 'head@school.edu',
    };
    const report = { subject: 's', summary: 'm', csv: 'a,b\r\n', fileName: 'attendance.csv' };
    await expect(sendReport({ ...relay, relayPublicKey: '' }, report)).rejects.toThrow(/not set up.*Settings/);
    await expect(sendReport({ ...relay, recipients: 'head@' }, report)).rejects.toThrow(/Not an e-mail address: head@/);
    // 40,000 bytes of CSV are about 53 KB as a data URL.
    const big = { ...report, csv: 'x'.repeat(40_000) };
    const error = await sendReport(relay, big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect((error as Error).message).toMatch(/53 KB once attached, over EmailJS's 50 KB limit.*shorter date range/);
  });

  it('builds a mailto: link with the subject and the summary', () => {
    const link = mailtoLink('a@school.edu, b@school.edu', {
      subject: 'Attendance 10A',
      summary: 'All there & on time',
      fileName: 'attendance.csv',
    });
    expect(link).toBe(
      'mailto:a%40school.edu,b%40school.edu?subject=Attendance%2010A&body=All%20there%20%26%20on%20time%0A%0A(Attach%20attendance.csv%2C%20saved%20with%20Download.)',
    );
  });
});

describe('the report and attendance.csv for a Vietnamese teacher', () => {
  const an = student('S1', 'An');
  const binh = student('S2', 'Bình');
  const sessions = [session(1, '2026-09-01')];
  const records = [record(1, an, 'present'), record(1, binh, 'absent')];

  afterEach(() => {
    void setLocale('en', { reload: false });
  });

  it('names the columns in Vietnamese when asked, and keeps the values as they are', () => {
    const report = buildReport(sessions, records, [an, binh]);
    const lines = reportToCsv(report, 'vi')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Mã sinh viên,Họ và tên,Lớp,Số buổi,Có mặt,Muộn,Vắng,Có phép,Chuyên cần');
    expect(lines[1]).toBe('S1,An,10A,1,1,0,0,0,100%');
    const csv = attendanceToCsv(records, new Map(sessions.map((s) => [s.id!, s])), { headers: 'vi', timeZone: 'UTC' });
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Mã sinh viên,Họ và tên,Lớp,Khoa,Ngày,Giờ,Trạng thái,Buổi học,Độ tin cậy,Thấy lần cuối,Về sớm,Ghi chú',
    );
    // The default is the original's English names.
    expect(
      attendanceToCsv(records, new Map())
        .replace(/^\uFEFF/, '')
        .split('\r\n')[0],
    ).toMatch(/^Student ID,Name,/);
  });

  it('writes the e-mail in the language of the app', () => {
    void setLocale('vi', { reload: false });
    const report = buildReport(sessions, records, [an, binh]);
    const mail = reportMail(report, { teacher: 'Cô Lan' });
    expect(mail.subject).toBe('Điểm danh: 10A, Biology, 2026-09-01');
    expect(mail.summary.split('\n\n')).toEqual([
      'Lớp: 10A. Học phần: Biology. Ngày: 2026-09-01 (1 buổi học).',
      'Có mặt: 1, muộn: 0, vắng: 1; chuyên cần 50%.',
      expect.stringMatching(/^Vắng:\n- Biology 10A 2026-09-01 \d\d:\d\d: Bình \(S2\)$/) as string,
      'Giảng viên: Cô Lan. Gửi từ ứng dụng Điểm danh bằng khuôn mặt.',
    ]);
    expect(reportSummary(report, 'Tất cả')).toBe('Tất cả: 1 buổi học, 2 sinh viên, chuyên cần 50%, 0 muộn, 1 vắng.');
  });
});

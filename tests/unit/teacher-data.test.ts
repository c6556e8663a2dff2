/**
 * A teacher's data stays whole (issue 13): what the UI's reactive state hands over is stored as plain data
 * on every write path, student IDs are compared without capitals, search and sort know Vietnamese, each
 * default lives once, and counts read as English.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as defaults from '../../src/core/defaults';
import { ValidationError } from '../../src/core/errors';
import { compareText, foldText, matchesQuery } from '../../src/core/text';
import { addFaceSamples } from '../../src/db/samples';
import { guessMapping, importRoster, previewRoster } from '../../src/db/roster';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from '../../src/db/settings';
import { addStudent, duplicateIds, findStudents, getStudent, updateStudent } from '../../src/db/students';
import { validateStudent } from '../../src/db/validation';
import { markByHand, recordSighting, startSession } from '../../src/services/attendance';
import { DEFAULT_SAMPLE_TARGET as ENROLMENT_TARGET } from '../../src/services/enrolment';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('teacher-data');

/** What Svelte's `$state` makes of an object: a Proxy, which structured clone refuses. */
function reactive<T extends object>(value: T): T {
  return new Proxy(value, {});
}

describe('every write stores plain data', () => {
  it('adds and edits a student whose consent came from reactive state (DataCloneError before)', async () => {
    const consent = reactive({ givenAt: '2026-09-01T08:00:00.000Z', recordedBy: 'Cô Lan' });
    await addStudent(t.db, reactive(studentForm('SV700', 'Phạm Thu Hà', { consent })));
    const saved = (await getStudent(t.db, 'SV700'))!;
    // The edit screen hands back the stored consent, proxied again, with a new phone.
    await updateStudent(
      t.db,
      'SV700',
      reactive(
        studentForm('SV700', 'Phạm Thu Hà', { phone: '0905 123 456', consent: reactive({ ...saved.consent! }) }),
      ),
    );
    const edited = (await getStudent(t.db, 'SV700'))!;
    expect(edited.phone).toBe('0905 123 456');
    expect(edited.consent).toEqual({ givenAt: '2026-09-01T08:00:00.000Z', recordedBy: 'Cô Lan' });
  });

  it('saves settings, a roster, sessions, marks and samples from proxies', async () => {
    await saveSettings(t.db, reactive({ teacherName: 'Cô Lan', recipients: 'a@school.vn' }));
    expect((await loadSettings(t.db)).teacherName).toBe('Cô Lan');
    const parsed = reactive({
      headers: reactive(['Mã SV', 'Họ và tên', 'Khoa']),
      rows: [reactive(['SV1', 'An', 'CNTT'])],
    });
    const preview = previewRoster(parsed, guessMapping(parsed.headers), new Set());
    expect(await importRoster(t.db, reactive({ ...preview, rows: preview.rows.map((r) => reactive({ ...r })) }))).toBe(
      1,
    );
    const student = reactive((await getStudent(t.db, 'SV1'))!);
    const session = await startSession(t.db, reactive({ course: 'Toán', className: '10A', start: new Date() }));
    await recordSighting(t.db, session.id!, student, 0.9, new Date());
    await markByHand(t.db, session.id!, student, 'excused', 'Cô Lan');
    const sample = reactive({
      image: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }),
      face: null,
      imageKind: 'face-image' as const,
      embeddings: reactive({ faceres: new Float32Array([0.6, 0.8]) }),
      quality: reactive({ sharpness: 1, faceSize: 100 }),
      source: 'upload' as const,
      capturedAt: new Date().toISOString(),
    });
    await addStudent(t.db, studentForm('SV2', 'Bình'));
    const [stored] = await addFaceSamples(t.db, 'SV2', [sample]);
    const back = (await t.db.faceSamples.get(stored!.id))!;
    expect(Array.from(back.embeddings.faceres!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(back.image).toBeInstanceOf(Blob);
  });
});

describe('student IDs', () => {
  it('refuses "sv001" beside "SV001", and names the student who has it', async () => {
    await addStudent(t.db, studentForm('SV001', 'Nguyễn Văn An'));
    await expect(addStudent(t.db, studentForm('sv001', 'Trần Bình'))).rejects.toThrow(
      /Student ID sv001 is already used by Nguyễn Văn An as SV001/,
    );
    await addStudent(t.db, studentForm('SV002', 'Trần Bình'));
    await expect(updateStudent(t.db, 'SV002', studentForm('Sv001', 'Trần Bình'))).rejects.toThrow(ValidationError);
    // Changing only the capitals of one's own ID is allowed.
    await updateStudent(t.db, 'SV001', studentForm('sv001', 'Nguyễn Văn An'));
    expect((await getStudent(t.db, 'sv001'))?.name).toBe('Nguyễn Văn An');
  });

  it('trims surrounding spaces and refuses inner ones with the way to write it', () => {
    expect(validateStudent(studentForm('  SV003 ', 'An')).studentId).toBe('SV003');
    expect(() => validateStudent(studentForm('SV 003', 'An'))).toThrow(
      'Student ID may not contain spaces ("SV 003": write it as "SV003").',
    );
  });

  it('a roster row repeating an ID in other capitals, in the file or in the database, is named', async () => {
    await addStudent(t.db, studentForm('SV010', 'An'));
    const parsed = {
      headers: ['Student ID', 'Name', 'Faculty'],
      rows: [
        ['sv010', 'Bình', 'IT'],
        ['SV011', 'Chi', 'IT'],
        ['sv011', 'Dũng', 'IT'],
      ],
    };
    const preview = previewRoster(parsed, guessMapping(parsed.headers), new Set(['SV010']));
    expect(preview.rows.map((r) => r.errors.studentId ?? '')).toEqual([
      'Student ID sv010 is already enrolled.',
      '',
      'Student ID sv011 is also on line 3.',
    ]);
  });

  it('an old database holding both "sv001" and "SV001" loads, is warned about, and either can be edited', async () => {
    const at = new Date().toISOString();
    const base = { photoSampleStatus: 'none' as const, photoCount: 0, createdAt: at, updatedAt: at };
    // Written as an older version did, past today's check.
    await t.db.students.bulkAdd([
      { ...studentForm('SV001', 'An'), ...base },
      { ...studentForm('sv001', 'An (copy)'), ...base },
    ]);
    const all = await findStudents(t.db);
    expect(all).toHaveLength(2);
    expect(duplicateIds(all)).toEqual([['SV001', 'sv001']]);
    await updateStudent(t.db, 'sv001', studentForm('sv001', 'An (copy)', { phone: '0905 000 111' }));
    await updateStudent(t.db, 'sv001', studentForm('SV001-B', 'An (copy)'));
    expect(duplicateIds(await findStudents(t.db))).toEqual([]);
  });
});

describe('Vietnamese search and sort', () => {
  it('folds diacritics and đ', () => {
    expect(foldText('  Nguyễn  Thị HƯƠNG ')).toBe('nguyen thi huong');
    expect(foldText('Đức')).toBe('duc');
    expect(matchesQuery('huong', ['Lê Thị Hương'])).toBe(true);
    expect(matchesQuery('duc', ['Trần Minh Đức'])).toBe(true);
    expect(matchesQuery('Hương', ['Le Thi Huong'])).toBe(true);
    expect(matchesQuery('hung', ['Lê Thị Hương'])).toBe(false);
  });

  it('finds and sorts students as the language does', async () => {
    for (const [id, name] of [
      ['S1', 'Đỗ Văn Đức'],
      ['S2', 'Lê Thị Hương'],
      ['S3', 'an Nguyễn'],
      ['S4', 'Bùi Anh'],
    ])
      await addStudent(t.db, studentForm(id!, name!));
    expect((await findStudents(t.db, 'huong')).map((s) => s.studentId)).toEqual(['S2']);
    expect((await findStudents(t.db, 'duc')).map((s) => s.studentId)).toEqual(['S1']);
    // Collation, not code points: lower-case "an" first, Đ beside D (code points put it after every Latin letter).
    expect((await findStudents(t.db)).map((s) => s.name)).toEqual([
      'an Nguyễn',
      'Bùi Anh',
      'Đỗ Văn Đức',
      'Lê Thị Hương',
    ]);
    expect(compareText('SV2', 'SV10')).toBeLessThan(0);
  });
});

describe('one home per default', () => {
  it('the settings and the screens read the defaults of src/core/defaults.ts', () => {
    expect(DEFAULT_SETTINGS.sampleTarget).toBe(defaults.DEFAULT_SAMPLE_TARGET);
    expect(ENROLMENT_TARGET).toBe(defaults.DEFAULT_SAMPLE_TARGET);
    expect(DEFAULT_SETTINGS.lateAfterMinutes).toBe(defaults.DEFAULT_LATE_AFTER_MINUTES);
    expect(DEFAULT_SETTINGS.leftEarlyMinutes).toBe(defaults.DEFAULT_LEFT_EARLY_MINUTES);
  });

  it('no other file writes the sample target, "late after" or the fallback threshold as a number', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const files = (fs.readdirSync('src', { recursive: true }) as string[])
      .filter((f) => /\.(ts|svelte)$/.test(f) && !f.endsWith('defaults.ts'))
      .map((f) => [f, fs.readFileSync(path.join('src', f), 'utf8')] as const);
    const found = files.flatMap(([f, text]) =>
      [
        /sampleTarget:\s*\d|\|\|\s*20\b|\$state\((10|20)\)|to 20 photos/,
        /lateAfterMinutes:\s*\d|lateAfterMinutes\s*\?\?\s*\d/,
        /threshold\s*\?\?\s*0\.\d|fallbackThreshold\s*\?\?\s*0\.\d/,
      ]
        .filter((re) => re.test(text))
        .map((re) => `${f}: ${re.source}`),
    );
    expect(found).toEqual([]);
  });
});

describe('plain words', () => {
  it('the validation summary follows the order of the form', () => {
    try {
      validateStudent(studentForm('', '', { faculty: '', email: 'x', dateOfBirth: '2010-02-30' }));
      expect.unreachable();
    } catch (e) {
      expect(Object.keys((e as ValidationError).fields)).toEqual([
        'studentId',
        'name',
        'faculty',
        'dateOfBirth',
        'email',
      ]);
      expect((e as Error).message).toMatch(
        /^Please correct: Student ID is required\. Student Name is required\. Faculty/,
      );
    }
  });
});

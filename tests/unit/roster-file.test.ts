/**
 * Rosters as teachers get them (issue 13): Vietnamese Excel's "CSV (Comma delimited)" (Windows-1258),
 * a Western one (Windows-1252), "CSV UTF-8", "Unicode Text" (UTF-16, tabs), and .xlsx workbooks, with the
 * header rows of Vietnamese schools' class lists; files that are none of these are refused with what to do.
 */
import writeExcelFile from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/core/encoding';
import { guessMapping, parseRoster, previewRoster } from '../../src/db/roster';
import { readRosterFile } from '../../src/services/roster-file';
import { encodeCodePage } from '../helpers/code-pages';

/** A Vietnamese university's class list as its office exports it. */
const VIETNAMESE_HEADER = 'STT,Mã SV,Họ và tên,Ngày sinh,Giới tính,Lớp,Khoa,Số điện thoại,Địa chỉ';
const VIETNAMESE_ROWS = [
  '1,2151012001,Nguyễn Thị Hương,05/04/2003,Nữ,DHKTPM17A,Công nghệ thông tin,0905123456,"12 Lê Lợi, Huế"',
  '2,2151012002,Trần Minh Đức,21/11/2003,Nam,DHKTPM17A,Công nghệ thông tin,0912345678,Đà Nẵng',
  '3,2151012003,Phạm Ngọc Ánh,01/01/2004,Nữ,DHKTPM17A,Công nghệ thông tin,,Quảng Trị',
];
const vietnameseCsv = [VIETNAMESE_HEADER, ...VIETNAMESE_ROWS].join('\r\n') + '\r\n';

const file = (bytes: Uint8Array<ArrayBuffer> | string, name: string): File => new File([bytes], name);

function expectVietnameseClass(parsed: { headers: string[]; rows: string[][] }): void {
  const mapping = guessMapping(parsed.headers);
  expect(mapping).toEqual({
    studentId: 1,
    name: 2,
    dateOfBirth: 3,
    gender: 4,
    className: 5,
    faculty: 6,
    phone: 7,
    address: 8,
  });
  const preview = previewRoster(parsed, mapping, new Set(), new Date('2026-12-01'));
  expect(preview.invalid).toBe(0);
  expect(preview.rows.map((r) => r.student.name)).toEqual(['Nguyễn Thị Hương', 'Trần Minh Đức', 'Phạm Ngọc Ánh']);
  expect(preview.rows[0]!.student).toMatchObject({
    studentId: '2151012001',
    dateOfBirth: '2003-04-05',
    gender: 'Female',
    faculty: 'Công nghệ thông tin',
    address: '12 Lê Lợi, Huế',
  });
  expect(preview.rows[1]!.student).toMatchObject({ gender: 'Male', dateOfBirth: '2003-11-21', address: 'Đà Nẵng' });
}

describe('roster files', () => {
  it('reads Vietnamese Excel\'s "CSV (Comma delimited)" (Windows-1258, tone marks apart) with the names right', async () => {
    const bytes = encodeCodePage(vietnameseCsv, 'windows-1258');
    // The file really is a legacy code page: not UTF-8, and "ễ" is two bytes (ê, combining tilde).
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const read = await readRosterFile(file(bytes, 'DHKTPM17A.csv'));
    expect(read.readAs).toMatch(/^Windows-1258/);
    expect(read.legacyEncoding).toBe(true);
    expectVietnameseClass(read.parsed);
  });

  it('reads a Western Excel CSV (Windows-1252) as "José Núñez", not "Jos� N��ez"', async () => {
    const csv = 'Student ID,Name,Class,Faculty\r\nS1,José Núñez,10A,Ciências\r\nS2,Zoë Løvaas,10A,Økonomi\r\n';
    const read = await readRosterFile(file(encodeCodePage(csv, 'windows-1252'), 'class.csv'));
    expect(read.readAs).toMatch(/^Windows-1252/);
    expect(read.parsed.rows.map((r) => r[1])).toEqual(['José Núñez', 'Zoë Løvaas']);
    expect(read.parsed.rows[0]![3]).toBe('Ciências');
  });

  it('reads "CSV UTF-8" (with its byte-order mark), plain UTF-8, and "Unicode Text" (UTF-16, tabs)', async () => {
    const utf8 = new TextEncoder().encode('\uFEFF' + vietnameseCsv);
    const withBom = await readRosterFile(file(utf8, 'a.csv'));
    expect(withBom.readAs).toBe('UTF-8');
    expect(withBom.legacyEncoding).toBe(false);
    expectVietnameseClass(withBom.parsed);
    expectVietnameseClass((await readRosterFile(file(vietnameseCsv, 'b.csv'))).parsed);
    // Decomposed (NFD) names, as some Mac tools write them, become the precomposed letters the app stores.
    expect((await readRosterFile(file(vietnameseCsv.normalize('NFD'), 'c.csv'))).parsed.rows[1]![2]).toBe(
      'Trần Minh Đức',
    );
    const tabbed = '\uFEFF' + vietnameseCsv.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '\t');
    const utf16 = new Uint8Array(tabbed.length * 2);
    for (let i = 0; i < tabbed.length; i++) new DataView(utf16.buffer).setUint16(i * 2, tabbed.charCodeAt(i), true);
    const unicodeText = await readRosterFile(file(utf16, 'd.txt'));
    expect(unicodeText.readAs).toBe('Unicode (UTF-16)');
    expectVietnameseClass(unicodeText.parsed);
  });

  it('reads an .xlsx class list (first sheet; dates and numbers as the form takes them)', async () => {
    const header = VIETNAMESE_HEADER.split(',');
    const sheet = [
      header,
      [
        1,
        2151012001,
        'Nguyễn Thị Hương',
        new Date('2003-04-05T00:00:00Z'),
        'Nữ',
        'DHKTPM17A',
        'Công nghệ thông tin',
        '0905123456',
        '12 Lê Lợi, Huế',
      ],
      [
        2,
        2151012002,
        'Trần Minh Đức',
        '21/11/2003',
        'Nam',
        'DHKTPM17A',
        'Công nghệ thông tin',
        '0912345678',
        'Đà Nẵng',
      ],
      [null, null, null, null, null, null, null, null, null],
      [3, 2151012003, 'Phạm Ngọc Ánh', '01/01/2004', 'Nữ', 'DHKTPM17A', 'Công nghệ thông tin', null, 'Quảng Trị'],
    ];
    const buffer = await writeExcelFile(sheet, { dateFormat: 'dd/mm/yyyy' }).toBuffer();
    const read = await readRosterFile(file(new Uint8Array(buffer), 'DHKTPM17A.xlsx'));
    expect(read.readAs).toMatch(/Excel workbook/);
    expectVietnameseClass(read.parsed);
  });

  it('refuses an old .xls, a broken workbook and binary junk, saying to save as CSV UTF-8', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    await expect(readRosterFile(file(xls, 'old.xls'))).rejects.toThrow(/old Excel file \(\.xls\).*CSV UTF-8/);
    await expect(readRosterFile(file(new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]), 'x.xlsx'))).rejects.toThrow(
      /could not be read as an Excel workbook.*CSV UTF-8/,
    );
    const junk = new Uint8Array(64).map((_, i) => (i * 37) % 256);
    await expect(readRosterFile(file(junk, 'photo.csv'))).rejects.toThrow(/not text in an encoding.*CSV UTF-8/);
    expect(decodeText(junk)).toBeNull();
  });

  it('names each malformed line once', () => {
    const text = 'Student ID,Name,Faculty\r\nS1,"An,IT\r\nS2,Bình,IT\r\nS3,Chi,IT\r\n';
    let message = '';
    try {
      parseRoster(text);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^The file is not valid CSV \(line \d+: /);
    const lines = message.match(/line \d+/g) ?? [];
    expect(lines.length).toBe(new Set(lines).size);
  });
});

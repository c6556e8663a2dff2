/**
 * A roster file as the teacher picks it: CSV in whatever encoding Excel wrote (see core/encoding.ts), or
 * an Excel workbook (.xlsx, its first sheet, through read-excel-file). Either becomes the header and rows
 * that the import previews; nothing is written here.
 */
import { m } from '../paraglide/messages';
import { readSheet } from 'read-excel-file/universal';
import { decodeText, type TextEncodingName } from '../core/encoding';
import { ValidationError } from '../core/errors';
import { parseRoster, parseRosterRows, type ParsedRoster } from '../db/roster';

export interface RosterFile {
  readonly parsed: ParsedRoster;
  /** How the file was read, in words ("Excel workbook, sheet Lop10A", "Windows-1258 …"). */
  readonly readAs: string;
  /** True where the text came from a legacy code page: the preview asks the teacher to check the names. */
  readonly legacyEncoding: boolean;
}

const saveAsUtf8 = (): string => m.roster_save_as_utf8();

/** A cell of a sheet as the text a CSV would hold: dates as YYYY-MM-DD, numbers as written. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.normalize('NFC');
  return typeof value === 'boolean' ? String(value) : '';
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** An old binary Excel file (.xls): an OLE compound document. */
function isOldExcel(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

async function readWorkbook(file: Blob): Promise<RosterFile> {
  let rows: unknown[][];
  try {
    rows = await readSheet(file);
  } catch (e) {
    const why = e instanceof Error ? ` (${e.message.slice(0, 120)})` : '';
    throw new ValidationError(`${m.roster_bad_workbook({ why })} ${saveAsUtf8()}`, { file: 'unreadable workbook' });
  }
  const text = rows.map((r) => r.map(cellText)).filter((r) => r.some((c) => c.trim() !== ''));
  return { parsed: parseRosterRows(text), readAs: m.roster_read_workbook(), legacyEncoding: false };
}

/** What the teacher is told the file was read as, in the app's language. */
function encodingLabel(encoding: TextEncodingName): string {
  switch (encoding) {
    case 'utf-8':
      return 'UTF-8';
    case 'utf-16le':
    case 'utf-16be':
      return 'Unicode (UTF-16)';
    case 'windows-1258':
      return m.encoding_1258();
    case 'windows-1252':
      return m.encoding_1252();
  }
}

/** Reads a roster file; a `ValidationError` says what is wrong and what to do. */
export async function readRosterFile(file: Blob & { readonly name?: string }): Promise<RosterFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes) || /\.xlsx$/i.test(file.name ?? '')) return readWorkbook(file);
  if (isOldExcel(bytes)) {
    throw new ValidationError(`${m.roster_xls()} ${saveAsUtf8()}`, { file: 'xls' });
  }
  const decoded = decodeText(bytes);
  if (!decoded) {
    throw new ValidationError(`${m.roster_encoding()} ${saveAsUtf8()}`, { file: 'encoding' });
  }
  const legacyEncoding = decoded.encoding === 'windows-1258' || decoded.encoding === 'windows-1252';
  return { parsed: parseRoster(decoded.text), readAs: encodingLabel(decoded.encoding), legacyEncoding };
}

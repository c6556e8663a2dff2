/**
 * Text files as teachers' Excel saves them. "CSV UTF-8" is UTF-8 (with a byte-order mark); plain "CSV
 * (Comma delimited)" is the computer's legacy code page: Windows-1258 on a Vietnamese Windows, where "ễ" is
 * "ê" followed by a combining tilde, and Windows-1252 in Western Europe; "Unicode Text" is UTF-16. A file
 * read with the wrong one shows "Jos� N��ez", so the encoding is found from the bytes: UTF-8 only where
 * the bytes are valid UTF-8, then Windows-1258 where that reads as Vietnamese, else Windows-1252.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258' | 'windows-1252';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

/** Letters only Vietnamese writes: ă đ ơ ư and the Latin Extended Additional block (ạ ả ấ … ỹ). */
const VIETNAMESE = /[ăĂđĐơƠưƯ\u1EA0-\u1EF9]/u;
/** A combining mark that composed with nothing: the sign of a code page read wrongly. */
const LOOSE_MARK = /\p{M}/u;
/** Control characters no roster holds (C0 except tab and line ends, C1: bytes a code page leaves undefined). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

function decode(bytes: Uint8Array, encoding: TextEncodingName, fatal = false): string {
  return new TextDecoder(encoding, { fatal, ignoreBOM: false }).decode(bytes);
}

/**
 * The bytes as text, in the encoding they were written in; null where they are none of the above (the
 * caller asks for "CSV UTF-8"). The text is NFC-normalised, so "ễ" is one character whatever wrote it.
 */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  const bom = (encoding: TextEncodingName): DecodedText | null => {
    const text = decode(bytes, encoding).normalize('NFC');
    return CONTROL.test(text) ? null : { text, encoding };
  };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bom('utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bom('utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bom('utf-16be');
  try {
    const text = decode(bytes, 'utf-8', true).normalize('NFC');
    return CONTROL.test(text) ? null : { text, encoding: 'utf-8' };
  } catch {
    // Not UTF-8: a legacy code page.
  }
  const vietnamese = decode(bytes, 'windows-1258').normalize('NFC');
  if (VIETNAMESE.test(vietnamese) && !LOOSE_MARK.test(vietnamese) && !CONTROL.test(vietnamese))
    return { text: vietnamese, encoding: 'windows-1258' };
  const western = decode(bytes, 'windows-1252').normalize('NFC');
  return CONTROL.test(western) ? null : { text: western, encoding: 'windows-1252' };
}

/**
 * The interface's language (Vietnamese or English) and the locale's formats. Texts are Paraglide's compiled
 * messages (`messages/{en,vi}.json`, `npm run i18n`); this module adds what every screen shares: the
 * language picker's choices, dates, times, numbers and counted nouns in the chosen locale.
 *
 * The choice is kept in the browser (Paraglide's localStorage strategy); the first visit takes the browser's
 * language, and English where it is neither.
 */
import { m } from '../paraglide/messages';
import { getLocale, locales, setLocale, type Locale } from '../paraglide/runtime';

export { m };

/** Each language under its own name, as a picker shows it. */
export const LANGUAGES: readonly { id: Locale; name: string }[] = [
  { id: 'vi', name: 'Tiếng Việt' },
  { id: 'en', name: 'English' },
];

export const language = (): Locale => getLocale();

export const isLanguage = (s: string): s is Locale => (locales as readonly string[]).includes(s);

/** Switches the interface to `lang`: the page reloads in it (nothing is lost: everything is stored). */
export function chooseLanguage(lang: Locale): void {
  if (lang !== getLocale()) void setLocale(lang);
}

/** Marks the document with the language, for screen readers and the browser's hyphenation and fonts. */
export function markDocumentLanguage(doc: Document = document): void {
  doc.documentElement.lang = getLocale();
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${getLocale()}|d|${key}`;
  let f = cache.get(id) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(getLocale(), options);
    cache.set(id, f);
  }
  return f;
}

const asDate = (when: string | number | Date): Date => (when instanceof Date ? when : new Date(when));

/** "08:05" (hours and minutes) in the locale's clock. */
export const clockTime = (when: string | number | Date): string =>
  dateFormat('hm', { hour: '2-digit', minute: '2-digit' }).format(asDate(when));

const DAY: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };

/** The locale's date in digits: "04/12/2026" in Vietnamese, "12/04/2026" in US English. */
export const shortDate = (when: string | number | Date): string => dateFormat('date', DAY).format(asDate(when));

/** Date and time (hours and minutes). */
export const dateTime = (when: string | number | Date): string =>
  dateFormat('dt', { ...DAY, hour: '2-digit', minute: '2-digit' }).format(asDate(when));

/** `n` with `digits` decimals and the locale's separators ("12,5" in Vietnamese). */
export function decimal(n: number, digits = 1): string {
  const id = `${getLocale()}|n|${digits}`;
  let f = cache.get(id) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(getLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.set(id, f);
  }
  return f.format(n);
}

/** A file's size in megabytes, one decimal. */
export const megabytes = (bytes: number): string => `${decimal(bytes / 2 ** 20, 1)} MB`;

/** Counted nouns ("1 student", "3 students"; "3 sinh viên"), by the locale's plural rules. */
export const count = {
  student: (n: number) => m.count_student({ count: n }),
  session: (n: number) => m.count_session({ count: n }),
  record: (n: number) => m.count_record({ count: n }),
  row: (n: number) => m.count_row({ count: n }),
  photo: (n: number) => m.count_photo({ count: n }),
  face: (n: number) => m.count_face({ count: n }),
  attendanceRecord: (n: number) => m.count_attendance_record({ count: n }),
  person: (n: number) => m.count_person({ count: n }),
  image: (n: number) => m.count_image({ count: n }),
  day: (n: number) => m.count_day({ count: n }),
  facePhoto: (n: number) => m.count_face_photo({ count: n }),
  newStudent: (n: number) => m.count_new_student({ count: n }),
} as const;

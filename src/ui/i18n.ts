/**
 * The interface's language (Vietnamese or English) and the locale's formats. Texts are Paraglide's compiled
 * messages (`messages/{en,vi}.json`, `npm run i18n`); this module adds what every screen shares: the
 * language picker's choices, dates, times, numbers and counted nouns in the chosen locale.
 *
 * The choice is kept in the browser (Paraglide's localStorage strategy); the first visit takes the browser's
 * language, and English where it is neither.
 */
import { m } from '../paraglide/messages';
import { getLocale, overwriteGetLocale, setLocale, type Locale } from '../paraglide/runtime';

export { isLocale } from '../paraglide/runtime';

export { m };

/** Each language under its own name, as a picker shows it. */
export const LANGUAGES: readonly { id: Locale; name: string }[] = [
  { id: 'vi', name: 'Tiếng Việt' },
  { id: 'en', name: 'English' },
];

export const language = (): Locale => getLocale();

/** Switches the interface to `lang`: the page reloads in it (nothing is lost: everything is stored). */
export function chooseLanguage(lang: Locale): void {
  if (lang !== getLocale()) void setLocale(lang);
}

/**
 * Settles the page's language once: read from its strategies (localStorage, the browser's languages), then
 * kept, since it changes only with a reload (`chooseLanguage`). Paraglide would otherwise resolve it anew
 * at every message, and the live screen writes several a face a frame. Marks the document with it too, for
 * screen readers and the browser's hyphenation and fonts.
 */
export function settleLanguage(doc: Document = document): void {
  const lang = getLocale();
  overwriteGetLocale(() => lang);
  doc.documentElement.lang = lang;
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

/** "08:05" (hours and minutes) in the locale's clock; '' for no time. */
export const clockTime = (when: string | number | Date | null | undefined): string =>
  when === null || when === undefined || when === ''
    ? ''
    : dateFormat('hm', { hour: '2-digit', minute: '2-digit' }).format(asDate(when));

const DAY: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };

/** The locale's date in digits: "04/12/2026" in Vietnamese, "12/04/2026" in US English. */
export const shortDate = (when: string | number | Date): string => dateFormat('date', DAY).format(asDate(when));

/** Day and month in the locale's order: "09/01" in English, "01/09" in Vietnamese (1 September). */
export const dayMonth = (when: string | number | Date): string =>
  dateFormat('dm', { day: '2-digit', month: '2-digit' }).format(asDate(when));

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

export { count } from '../services/counts';

/** A student field's name on forms, tables and the roster's column choices. */
const FIELD_LABELS: Readonly<Record<string, () => string>> = {
  studentId: m.field_student_id,
  name: m.field_name,
  className: m.field_class,
  faculty: m.field_faculty,
  course: m.field_course,
  year: m.field_year,
  semester: m.field_semester,
  gender: m.field_gender,
  dateOfBirth: m.field_date_of_birth,
  email: m.field_email,
  phone: m.field_phone,
  address: m.field_address,
  consentGiven: m.field_consent_given,
  consentBy: m.field_consent_by,
  consentName: m.field_consent_name,
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field]?.() ?? field;

/** An attendance status as the teacher reads it. */
export function statusLabel(status: 'present' | 'late' | 'absent' | 'excused'): string {
  switch (status) {
    case 'present':
      return m.status_present();
    case 'late':
      return m.status_late();
    case 'absent':
      return m.status_absent();
    case 'excused':
      return m.status_excused();
  }
}

/** A recognition model by what it means to a teacher; the technical name is under Settings' "Details". */
export function modelName(id: string, technical: string): string {
  switch (id) {
    case 'faceres+mobileface':
      return m.model_accurate();
    case 'faceres':
      return m.model_standard();
    case 'mobileface':
      return m.model_light();
    case 'dlib-resnet34':
      return m.model_resnet();
    case 'facenet-20180402-114759':
      return m.model_facenet();
    default:
      return technical;
  }
}

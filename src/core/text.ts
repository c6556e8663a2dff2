/**
 * Text as a Vietnamese teacher types it: search that ignores diacritics and capitals ("huong" finds
 * "Hương", "duc" finds "Đức"; đ is not a d with a mark in Unicode, so it is folded by hand), and sorting
 * by the interface language's collation.
 */

/** Lower case, without diacritics, đ as d, runs of spaces as one. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLocaleLowerCase('en')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether any of `fields` contains `query`, folded; true for an empty query. */
export function matchesQuery(query: string, fields: readonly string[]): boolean {
  const q = foldText(query);
  return !q || fields.some((f) => foldText(f).includes(q));
}

const collators = new Map<string, Intl.Collator>();

/** A collator for the interface language (the page's `lang`, English where none is set). */
export function collator(
  language = typeof document !== 'undefined' ? document.documentElement.lang : '',
): Intl.Collator {
  const lang = language || 'en';
  let c = collators.get(lang);
  if (!c) {
    c = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
    collators.set(lang, c);
  }
  return c;
}

/** Compares two strings as the interface language sorts them. */
export function compareText(a: string, b: string): number {
  return collator().compare(a, b);
}

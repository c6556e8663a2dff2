import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../src/paraglide/runtime';
import { shortName } from '../../src/ui/attendance-text';
import { clockTime, count, decimal, m, shortDate } from '../../src/ui/i18n';

type Messages = Record<string, unknown>;
const load = (lang: string): Messages =>
  JSON.parse(readFileSync(join(import.meta.dirname, `../../messages/${lang}.json`), 'utf8')) as Messages;
const en = load('en');
const vi = load('vi');
const keys = (o: Messages): string[] => Object.keys(o).filter((k) => k !== '$schema');

/** The `{name}` placeholders of a message, whatever its variants. */
function placeholders(message: unknown): string[] {
  const texts =
    typeof message === 'string' ? [message] : Object.values((message as { match: Record<string, string> }[])[0]!.match);
  const names = new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!)));
  return [...names].sort();
}

/** Svelte markup with every `{…}` (nested braces, strings and all) taken out. */
function withoutExpressions(markup: string): string {
  let out = '';
  let depth = 0;
  let quote = '';
  for (let i = 0; i < markup.length; i++) {
    const c = markup[i]!;
    if (depth === 0) {
      if (c === '{') depth = 1;
      else out += c;
      continue;
    }
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  return out;
}

afterEach(() => {
  void setLocale('en', { reload: false });
});

describe('messages', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    expect(keys(vi).filter((k) => !(k in en))).toEqual([]);
    expect(keys(en).filter((k) => !(k in vi))).toEqual([]);
    for (const k of keys(en)) {
      expect(placeholders(vi[k]), k).toEqual(placeholders(en[k]));
      for (const t of [en[k], vi[k]]) if (typeof t === 'string') expect(t.trim(), k).not.toBe('');
    }
  });

  it('leaves no English text in the screens: every word of a template comes from the messages', () => {
    const dir = join(import.meta.dirname, '../../src/ui');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.svelte'));
    expect(files.length).toBeGreaterThan(10);
    const leftovers: string[] = [];
    for (const f of files) {
      const markup = withoutExpressions(
        readFileSync(join(dir, f), 'utf8')
          .replace(/<script[\s\S]*?<\/script>/g, '')
          .replace(/<style[\s\S]*?<\/style>/g, '')
          // Code (a template variable's name) is not translated.
          .replace(/<code>[\s\S]*?<\/code>/g, '')
          .replace(/<!--[\s\S]*?-->/g, ''),
      );
      // Text between tags.
      for (const [, text] of markup.matchAll(/>([^<>]*)</g)) {
        if (/[A-Za-z]{2,}/.test(text!)) leftovers.push(`${f}: ${text!.trim()}`);
      }
      // Attributes a person reads or hears.
      for (const [, attr] of markup.matchAll(/\s(?:placeholder|aria-label|title|alt|label)="([^"{]*)"/g)) {
        if (/[A-Za-z]{2,}/.test(attr!)) leftovers.push(`${f}: ${attr}`);
      }
    }
    expect(leftovers).toEqual([]);
  });

  it('counts by each language’s plural rules', () => {
    expect(count.student(1)).toBe('1 student');
    expect(count.student(3)).toBe('3 students');
    expect(count.person(2)).toBe('2 people');
    expect(count.person(1)).toBe('1 person');
    expect(count.photo(0)).toBe('0 photos');
    expect(count.photo(1200)).toBe('1,200 photos');
    void setLocale('vi', { reload: false });
    expect(count.student(1)).toBe('1 sinh viên');
    expect(count.student(3)).toBe('3 sinh viên');
  });

  it('formats times, dates and numbers for the chosen language', () => {
    const when = new Date(2026, 11, 4, 8, 5);
    expect(decimal(12.5)).toBe('12.5');
    expect(shortDate(when)).toBe('12/04/2026');
    void setLocale('vi', { reload: false });
    expect(m.nav_students()).toBe('Sinh viên');
    expect(decimal(12.5)).toBe('12,5');
    expect(clockTime(when)).toBe('08:05');
    expect(shortDate(when)).toBe('04/12/2026');
  });

  it('shortens a Vietnamese name to the given name a class uses', () => {
    expect(shortName('Nguyễn Văn An', 'vi')).toBe('N.V. An');
    expect(shortName('Ana Nguyen', 'en')).toBe('Ana N.');
    expect(shortName('An', 'vi')).toBe('An');
  });
});

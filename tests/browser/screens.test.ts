/**
 * Every screen at the sizes teachers use, in Vietnamese and in English, in the built app: a class restored
 * from a backup (written in Node with the app's own functions), then each screen at 390×844 (phone),
 * 768×1024 and 1024×768 (tablet, both ways), 1280×720 (classroom laptop) and 1920×1080. At each:
 *
 * - axe-core (through @axe-core/playwright, WCAG 2 A and AA rules) finds no serious or critical violation;
 * - nothing is wider than the window (no sideways scrolling), and every screen's tab can be reached;
 * - a screenshot goes to test-results/screenshots/screens/ (looked at by whoever changes the layout).
 */
import '../setup/node-globals';
import 'fake-indexeddb/auto';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStudent } from '../../src/db/students';
import { closeSession, markByHand, recordSighting, startSession } from '../../src/services/attendance';
import { writeBackupFile } from '../helpers/backup-file';
import { launchChromium, serveBuiltApp } from '../helpers/chromium';
import { projectRoot } from '../helpers/datasets';
import { studentForm } from '../helpers/students';

const shots = join(projectRoot, 'test-results', 'screenshots', 'screens');
const SCREENS = ['students', 'enrol', 'train', 'attendance', 'records', 'reports', 'privacy', 'settings'] as const;
const SIZES = [
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

const NAMES = [
  'Nguyễn Văn An',
  'Trần Thị Bình',
  'Lê Minh Chi',
  'Phạm Quốc Dũng',
  'Hoàng Thị Hương',
  'Võ Thành Long',
  'Đặng Thu Trang',
  'Bùi Đức Thắng',
];

let app: { url: string; close: () => Promise<void> };
let backupFile: string;

/** A class of eight over two Informatics sessions, with arrivals, a late one, an excused one and absences. */
const writeBackup = (): Promise<string> =>
  writeBackupFile(async (db) => {
    const students = [];
    for (const [i, name] of NAMES.entries()) {
      students.push(
        await addStudent(db, studentForm(`2251${String(i + 10)}`, name, { className: 'DHKTPM17A', course: 'Tin học' })),
      );
    }
    for (const day of ['2026-11-30', '2026-12-01']) {
      const start = new Date(`${day}T01:00:00Z`);
      const s = await startSession(db, { course: 'Tin học', className: 'DHKTPM17A', start });
      for (const [i, st] of students.entries()) {
        if (i === 6) await markByHand(db, s.id!, st, 'excused', 'Cô Lan', start, 'ốm');
        else if (i < 6) {
          await recordSighting(db, s.id!, st, 0.9, new Date(start.getTime() + (i === 2 ? 20 : 2) * 60_000));
          // Seen again near the end of the lesson: not "left early".
          await recordSighting(db, s.id!, st, 0.9, new Date(start.getTime() + 85 * 60_000));
        }
      }
      await closeSession(db, s.id!, students, new Date(start.getTime() + 90 * 60_000));
    }
  });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  backupFile = await writeBackup();
  app = await serveBuiltApp();
});

afterAll(async () => {
  await app?.close();
  console.log(
    `axe over ${SCREENS.length} screens × ${SIZES.length} sizes × 2 languages:`,
    Object.entries(tally)
      .map(([impact, ids]) => `${impact}: ${[...ids].join(', ')}`)
      .join('; ') || 'no violation',
  );
});

/** Every axe finding by impact, over all screens and sizes (printed: the moderate and minor are not failures). */
const tally: Record<string, Set<string>> = {};

/** axe-core's serious and critical findings on the page as it is, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of result.violations) (tally[v.impact ?? 'unknown'] ??= new Set()).add(v.id);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** How far the page reaches past the window's right edge, in CSS pixels (0: nothing sticks out). */
const overflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('every screen at every size', () => {
  for (const lang of ['vi', 'en'] as const) {
    it(`${lang}: passes axe, fits the window and shows where the other screens are`, async () => {
      const context = await launchChromium();
      try {
        await context.route('**/*', (route) =>
          route.request().url().startsWith('http://127.0.0.1') ? route.continue() : route.abort(),
        );
        await context.addInitScript((l) => localStorage.setItem('PARAGLIDE_LOCALE', l), lang);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${app.url}#/settings`);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await page.locator('input[type=file][accept*=".fabackup"]').setInputFiles(backupFile);
        const restore = page.getByRole('dialog');
        await restore.getByRole('button').last().click();
        await expect
          .poll(() => page.getByTestId('toast').textContent(), { timeout: 30_000 })
          .toBe(lang === 'vi' ? 'Đã khôi phục bản sao lưu.' : 'Backup restored.');

        const found: string[] = [];
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const screen of SCREENS) {
            await page.goto(`${app.url}#/${screen}`);
            await page.locator('main h2').first().waitFor();
            // Reports draws its charts from the database a moment after the screen opens.
            if (screen === 'records' || screen === 'reports') await page.locator('table').first().waitFor();
            const where = `${lang} ${size.width}×${size.height} ${screen}`;
            const wider = await overflow(page);
            if (wider > 0) found.push(`${where}: ${wider} px wider than the window`);
            for (const v of await seriousViolations(page)) found.push(`${where}: ${v}`);
            // Every screen's tab is in the navigation, reachable by scrolling it where it does not fit.
            const tabs = page.getByRole('navigation').getByRole('link');
            expect(await tabs.count(), where).toBe(SCREENS.length);
            const current = page.getByRole('navigation').locator('[aria-current="page"]');
            expect(await current.isVisible(), where).toBe(true);
            await page.screenshot({ path: join(shots, `${lang}-${size.width}x${size.height}-${screen}.png`) });
          }
        }
        expect(found).toEqual([]);

        // The keyboard's order: the language, the screens' tabs in their order, then the screen itself.
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.goto(`${app.url}#/students`);
        await page.reload();
        await page.locator('main h2').first().waitFor();
        const order: string[] = [];
        for (let i = 0; i < 12; i++) {
          await page.keyboard.press('Tab');
          order.push(
            await page.evaluate(() => {
              const e = document.activeElement as HTMLElement | null;
              return e?.dataset.testid ?? e?.textContent?.trim() ?? '';
            }),
          );
        }
        const tabs = await page.getByRole('navigation').getByRole('link').allTextContents();
        const reached = order.filter((o) => o !== 'install-top');
        expect(reached.slice(0, 9)).toEqual(['language-top', ...tabs]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

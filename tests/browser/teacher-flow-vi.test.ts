/**
 * The teacher's day in Vietnamese, in the built app, in a browser whose language is Vietnamese (the app
 * takes it as its first choice; no setting): add three students through the form, enrol each from
 * uploaded photos, train, take attendance from a fake webcam showing the three and a stranger, and save
 * attendance.csv with Vietnamese column names (a setting). Every control is found by its Vietnamese name,
 * so a missing translation fails here. Then the language picker switches the app to English.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveBuiltApp } from '../helpers/chromium';
import { hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';
import { lfwPeople, lfwStranger, makeGridMjpeg, type LfwPerson } from '../helpers/feeds';

const shots = join(projectRoot, 'test-results', 'screenshots', 'vi');
/** ENOUGH_SAMPLES of src/db/samples.ts: each student then shows "Đủ ảnh". */
const PHOTOS_EACH = 10;

if (!hasDatasets) console.warn(`teacher-flow-vi: ${missingDatasetsNote}`);

describe.skipIf(!hasDatasets)('a Vietnamese teacher, in Vietnamese', () => {
  let app: { url: string; close: () => Promise<void> };
  let people: LfwPerson[];
  let classroom: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    people = lfwPeople(3, PHOTOS_EACH + 1);
    classroom = makeGridMjpeg(
      [
        people[0]!.photos[PHOTOS_EACH]!,
        people[1]!.photos[PHOTOS_EACH]!,
        people[2]!.photos[PHOTOS_EACH]!,
        lfwStranger(),
      ],
      join(mkdtempSync(join(tmpdir(), 'fa-vi-')), 'classroom.mjpeg'),
    );
    app = await serveBuiltApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  const studentsOf = (): { id: string; name: string }[] => people.map((p, i) => ({ id: `SV0${i + 1}`, name: p.name }));

  async function addStudents(page: Page): Promise<void> {
    await page.goto(`${app.url}#/students`);
    for (const s of studentsOf()) {
      await page.getByRole('button', { name: 'Thêm sinh viên', exact: true }).click();
      await page.getByLabel('Mã sinh viên', { exact: true }).fill(s.id);
      await page.getByLabel('Họ và tên', { exact: true }).fill(s.name);
      await page.getByLabel('Lớp', { exact: true }).fill('DHKTPM17A');
      // A form error is said in Vietnamese: the faculty is missing.
      await page.getByRole('button', { name: 'Lưu', exact: true }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/^Vui lòng sửa: Cần nhập khoa\./);
      await page.getByLabel('Khoa', { exact: true }).fill('Công nghệ thông tin');
      await page.getByLabel(/Đã có sự đồng ý cho phép dùng ảnh/).check();
      await page.getByRole('button', { name: 'Lưu', exact: true }).click();
      await page.getByRole('cell', { name: s.name, exact: true }).waitFor();
    }
    expect(await page.getByTestId('toast').textContent()).toMatch(/^Đã lưu .* \(SV03\)\.$/);
  }

  it('adds, enrols, trains, takes attendance and saves the CSV with Vietnamese column names', async () => {
    const context = await launchChromium({ camera: classroom, locale: 'vi-VN' });
    try {
      await context.route('**/*', (route) =>
        route.request().url().startsWith('http://127.0.0.1') ? route.continue() : route.abort(),
      );
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/students`);
      // The browser's language chose Vietnamese.
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual([
        'Sinh viên',
        'Chụp ảnh',
        'Huấn luyện',
        'Điểm danh',
        'Sổ điểm danh',
        'Báo cáo',
        'Quyền riêng tư',
        'Cài đặt',
      ]);
      await addStudents(page);

      // Enrolment from uploaded photos; "Đủ ảnh" once a student has enough.
      for (const [i, s] of studentsOf().entries()) {
        await page.goto(`${app.url}#/enrol`);
        await page.getByLabel('Sinh viên', { exact: true }).selectOption(s.id);
        await page.locator('input[type=file][accept="image/*"]').setInputFiles(people[i]!.photos.slice(0, PHOTOS_EACH));
        await expect
          .poll(() => page.getByTestId('upload-report').textContent(), { timeout: 180_000 })
          .toMatch(new RegExp(`^Đã thêm ${PHOTOS_EACH} trên ${PHOTOS_EACH} ảnh\\.`));
        await page.getByTestId('enough').waitFor();
      }
      await page.screenshot({ path: join(shots, 'enrol.png'), fullPage: true });

      await page.goto(`${app.url}#/train`);
      await page.getByRole('button', { name: 'Huấn luyện', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('train-state').textContent(), { timeout: 180_000 })
        .toMatch(/^\s*Đã huấn luyện với 3 người, lúc [\d:/ ,]+\. Sẵn sàng điểm danh\.\s*$/);

      await page.goto(`${app.url}#/settings`);
      await page.getByLabel('Tên cột trong tệp xuất ra (CSV)').selectOption('vi');

      await page.goto(`${app.url}#/attendance`);
      await page.getByLabel('Học phần').fill('Tin học');
      await page.getByLabel('Lớp', { exact: true }).fill('DHKTPM17A');
      await page.getByRole('button', { name: 'Bắt đầu điểm danh', exact: true }).click();
      const marked = page.locator(
        '[data-testid=present-list] li.roll-present, [data-testid=present-list] li.roll-late',
      );
      await expect.poll(() => marked.count(), { timeout: 240_000, interval: 500 }).toBe(3);
      expect(await marked.first().locator('.when').textContent()).toMatch(/^có mặt · \d\d:\d\d$/);
      expect(await page.getByTestId('faces-in-view').textContent()).toBe('4 khuôn mặt trong khung hình');
      expect(await page.getByTestId('fps').textContent()).toMatch(/^\d+,\d khung hình\/giây$/);
      await page.screenshot({ path: join(shots, 'attendance-live.png') });
      // Live, with its overlay, banners and lists: still no serious or critical accessibility violation, and the
      // overlay's faces are in words for screen readers.
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(
        axe.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('; ')}`),
      ).toEqual([]);
      expect(await page.getByTestId('faces-in-words').locator('li').count()).toBe(4);
      // "Dừng" (Stop) ends the lesson: the session is closed and saved.
      await page.getByRole('button', { name: 'Dừng', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('toast').textContent())
        .toBe('Đã đóng và lưu buổi học: 3 sinh viên có mặt, 0 sinh viên được ghi vắng.');

      await page.goto(`${app.url}#/records`);
      await page.getByRole('table', { name: 'Các bản ghi điểm danh' }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Tải CSV', exact: true }).click(),
      ]);
      const lines = readFileSync(await download.path(), 'utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r\n/);
      expect(lines[0]).toBe(
        'Mã sinh viên,Họ và tên,Lớp,Khoa,Ngày,Giờ,Trạng thái,Buổi học,Độ tin cậy,Thấy lần cuối,Về sớm,Ghi chú',
      );
      expect(lines).toHaveLength(4);
      for (const s of studentsOf()) {
        expect(lines.some((l) => l.startsWith(`${s.id},${s.name},DHKTPM17A,Công nghệ thông tin,`))).toBe(true);
      }
      await page.screenshot({ path: join(shots, 'records.png'), fullPage: true });

      // The picker switches the app to English (the page reloads in it) and keeps the choice.
      await page.getByTestId('language-top').selectOption('en');
      await expect.poll(() => page.locator('main h2').first().textContent()).toBe('Records');
      await page.reload();
      await expect.poll(() => page.locator('main h2').first().textContent()).toBe('Records');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

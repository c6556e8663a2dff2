/**
 * Reports and sending, in the built app: a school's records arrive through "Restore backup" (a backup
 * written in Node with the app's own functions), the report shows them as charts and prints, and "Send by
 * e-mail" posts to EmailJS, where the test catches the request and checks recipients, subject and that the
 * attachment is the CSV "Download CSV" saves. Relay errors and being offline get clear messages. Every
 * request that is not to 127.0.0.1 is caught or refused: nothing leaves this machine.
 */
import '../setup/node-globals';
import 'fake-indexeddb/auto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStudent } from '../../src/db/students';
import { markByHand, recordSighting, startSession } from '../../src/services/attendance';
import { writeBackupFile } from '../helpers/backup-file';
import { launchChromium, serveBuiltApp } from '../helpers/chromium';
import { fillRelaySettings } from '../helpers/relay';
import { projectRoot } from '../helpers/datasets';
import { studentForm } from '../helpers/students';

const shots = join(projectRoot, 'test-results', 'screenshots');
const RELAY = 'https://api.emailjs.com/api/v1.0/email/send';
let app: { url: string; close: () => Promise<void> };
let backupFile: string;

/** Three students of 10A over three Biology sessions: An always there, Bình late once, Chi absent once. */
const writeBackup = (): Promise<string> =>
  writeBackupFile(async (db) => {
    const [an, binh, chi] = [
      await addStudent(db, studentForm('S1', 'Nguyễn Văn An')),
      await addStudent(db, studentForm('S2', 'Trần Thị Bình')),
      await addStudent(db, studentForm('S3', 'Lê Minh Chi')),
    ];
    for (const [day, late, chiThere] of [
      ['2026-09-01', false, true],
      ['2026-09-02', true, false],
      ['2026-09-03', false, true],
    ] as const) {
      const start = new Date(`${day}T08:00:00Z`);
      const s = await startSession(db, { course: 'Biology', className: '10A', start });
      await recordSighting(db, s.id!, an, 0.97, new Date(start.getTime() + 60_000));
      await recordSighting(db, s.id!, binh, 0.93, new Date(start.getTime() + (late ? 20 : 2) * 60_000));
      if (chiThere) await markByHand(db, s.id!, chi, 'present', 'Ms Lan', new Date(start.getTime() + 5 * 60_000));
    }
  });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  backupFile = await writeBackup();
  app = await serveBuiltApp();
});

afterAll(async () => {
  await app?.close();
});

/** "Send by e-mail", then Send in the dialog that names the recipients (checked). */
async function sendByEmail(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Send by e-mail' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send this report by e-mail?' });
  expect(await dialog.getByTestId('confirm-recipients').textContent()).toBe(
    'head@school.example, office@school.example',
  );
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
}

describe('reports and sending', () => {
  it('restores a backup, charts it, prints it, and sends the CSV through the relay', async () => {
    const context = await launchChromium();
    const relayed: Request[] = [];
    const refused: string[] = [];
    let relayStatus: 200 | 400 | 429 = 200;
    /** The relay takes the request and never answers. */
    let relayHangs = false;
    try {
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('http://127.0.0.1')) return route.continue();
        if (url === RELAY) {
          relayed.push(route.request());
          if (relayHangs) return new Promise<void>(() => undefined);
          const body = { 200: 'OK', 400: 'The Public Key is invalid', 429: 'Too many requests' }[relayStatus] ?? '';
          return route.fulfill({ status: relayStatus, body });
        }
        refused.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/settings`);
      // Cross-origin isolated (COOP + COEP, as the service worker serves the app on any host): the relay
      // requests below must work under COEP.
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

      // The school's data, through the app's own restore (which replaces the settings too).
      await page.locator('input[type=file][accept*=".fabackup"]').setInputFiles(backupFile);
      const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
      expect(await dialog.textContent()).toMatch(/3 students, 0 photos, 3 sessions, 8 attendance records/);
      await dialog.getByRole('button', { name: 'Restore' }).click();
      await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Backup restored.');

      await fillRelaySettings(page, app.url, 'head@school.example, office@school.example');
      // A test e-mail first.
      await page.getByRole('button', { name: 'Send test e-mail' }).click();
      await expect.poll(() => page.getByTestId('test-email-message').textContent()).toMatch(/Test e-mail sent/);
      expect(relayed).toHaveLength(1);

      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Reports' }).click();
      const tiles = page.getByTestId('report-tiles');
      await tiles.waitFor();
      // 9 expected student-sessions: 8 there (Bình late once), Chi absent once.
      expect((await tiles.textContent())!.replace(/\s+/g, '')).toBe(
        '3sessions3students89%attendance1late1absent0leftearly',
      );
      const rates = await page
        .getByTestId('student-chart')
        .locator('rect[data-rate]')
        .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-rate'))));
      expect(rates).toEqual([2 / 3, 1, 1]);
      // Each session's bar is named by course and day and time (two lessons on one day are told apart).
      expect(await page.getByTestId('session-bar-course').allTextContents()).toEqual(['Biology', 'Biology', 'Biology']);
      const times = await page.getByTestId('session-bar-time').allTextContents();
      expect(times.map((t) => t.slice(0, 5))).toEqual(['09/01', '09/02', '09/03']);
      expect(times.every((t) => /^\d\d\/\d\d \d\d:\d\d/.test(t))).toBe(true);
      // One CSV button on the screen, and it saves the table shown.
      expect(await page.getByRole('button', { name: /CSV/ }).count()).toBe(1);
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: join(shots, 'report-print.png'), fullPage: true });
      // The printed page says whose report it is, and when it was printed.
      const facts = (await page.getByTestId('print-facts').innerText()).replace(/\s+/g, ' ');
      expect(facts).toMatch(/School .* Teacher .* Class 10A Period 2026-09-01 to 2026-09-03 Printed \S+/);
      expect(await page.getByRole('button', { name: 'Send by e-mail' }).isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });

      // Send, and compare the attachment with the file "Download CSV" saves.
      await sendByEmail(page);
      await expect.poll(() => page.getByTestId('send-message').textContent()).toMatch(/^Sent to head@school\.example/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync(await download.path());
      expect(relayed).toHaveLength(2);
      const body = relayed[1]!.postDataJSON() as {
        service_id: string;
        template_id: string;
        user_id: string;
        template_params: Record<string, string>;
      };
      expect(body).toMatchObject({
        service_id: 'service_school',
        template_id: 'template_report',
        user_id: 'test-public-key',
      });
      expect(body.template_params.to_email).toBe('head@school.example,office@school.example');
      expect(body.template_params.subject).toBe('Attendance report: All courses, all classes');
      expect(body.template_params.message).toMatch(/3 sessions, 3 students, attendance 89%, 1 late, 1 absent/);
      // The mail names class, course and dates, the counts, and who was absent at which lesson.
      expect(body.template_params.message).toContain(
        'Class: 10A. Course: Biology. Dates: 2026-09-01 to 2026-09-03 (3 sessions).',
      );
      expect(body.template_params.message).toMatch(/Absent:\n- Biology 10A 2026-09-02 \d\d:\d\d: Lê Minh Chi \(S3\)/);
      const attachment = body.template_params.attachment!;
      expect(attachment.startsWith('data:text/csv;base64,')).toBe(true);
      const sent = Buffer.from(attachment.split(',')[1]!, 'base64');
      expect(sent.equals(csv)).toBe(true);
      // The report's Download CSV is the table it shows: one row a student.
      expect(sent.toString('utf8').split('\r\n')).toContain('S2,Trần Thị Bình,10A,3,2,1,0,0,100%');

      // The relay refuses (a bad key, the rate limit): said so, with what to do.
      // EmailJS answers a wrong public key with 400 and this text.
      relayStatus = 400;
      await sendByEmail(page);
      await expect
        .poll(() => page.getByTestId('send-message').textContent())
        .toMatch(/refused the public key \(EmailJS said: The Public Key is invalid\)\. Check it in Settings/);
      relayStatus = 429;
      await sendByEmail(page);
      await expect.poll(() => page.getByTestId('send-message').textContent()).toMatch(/sending limit.*Wait/);

      // The relay never answers: after 20 s the teacher is told, and nothing is said to be sent.
      relayHangs = true;
      await sendByEmail(page);
      expect(await page.getByRole('button', { name: 'Sending…' }).count()).toBe(1);
      await expect
        .poll(() => page.getByTestId('send-message').textContent(), { timeout: 40_000 })
        .toMatch(/did not answer within 20 s, so the report is not known to be sent/);
      expect(await page.getByRole('button', { name: 'Send by e-mail' }).isEnabled()).toBe(true);
      relayHangs = false;

      // Offline: refused at once, nothing posted.
      await context.setOffline(true);
      await sendByEmail(page);
      await expect.poll(() => page.getByTestId('send-message').textContent()).toMatch(/offline.*nothing was sent/);
      expect(relayed).toHaveLength(5);
      expect(refused).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/**
 * A new version reaches an installed app: two real builds of the app (today's `dist/`, and a second one
 * made here with another build time), served one after the other from the same address. The app, running
 * build A offline-ready, finds build B, says "A new version … is available", and "Reload to update" brings
 * B in, with the teacher's data untouched. "Later" leaves A running.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveBuiltAppAt } from '../helpers/chromium';
import { projectRoot } from '../helpers/datasets';

const B_BUILT = '2030-01-02T08:00:00.000Z';
const { version: VERSION } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
let work: string;
let site: string;
let buildB: string;
let app: { url: string; close: () => Promise<void> };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fa-update-'));
  site = join(work, 'site');
  buildB = join(work, 'b');
  // Build B: the same sources, another build time (what every release differs in at least).
  execFileSync('npx', ['vite', 'build', '--outDir', buildB, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: projectRoot,
    env: { ...process.env, FA_BUILT_AT: B_BUILT },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}, 300_000);

afterAll(async () => {
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The site now serves `build`. */
function publish(build: string): void {
  rmSync(site, { recursive: true, force: true });
  cpSync(build, site, { recursive: true });
}

const version = async (page: Page): Promise<string> => {
  await page.goto(`${page.url().split('#')[0]}#/settings`);
  return (await page.getByTestId('version').textContent()) ?? '';
};

describe('a new version of the app', () => {
  it('is announced, waits for "Later", and "Reload to update" brings it in with the data kept', async () => {
    publish(join(projectRoot, 'dist'));
    app = await serveBuiltAppAt('/attendance/', site);
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/students`);
      // Build A, installed: its service worker controls the page from the next load on.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.reload();
      await expect
        .poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 60_000 })
        .toBe(true);
      const versionA = await version(page);
      expect(versionA).toMatch(/^Version \d+\.\d+\.\d+, built /);
      expect(versionA).not.toMatch(/2030/);
      // Some data of the teacher's, to find again after the update.
      await page.goto(`${app.url}#/students`);
      await page.getByRole('button', { name: 'Add student', exact: true }).click();
      await page.getByLabel('Student ID', { exact: true }).fill('SV900');
      await page.getByLabel('Student Name', { exact: true }).fill('Lê Thị Mai');
      await page.getByLabel('Faculty', { exact: true }).fill('Toán');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('cell', { name: 'Lê Thị Mai', exact: true }).waitFor();

      // Build B is published; the app looks for updates (as browsers do on navigation and hourly).
      publish(buildB);
      const banner = page.getByRole('alert').filter({ hasText: 'A new version of Face Attendance is available.' });
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      await banner.waitFor({ timeout: 60_000 });

      // "Later": build A goes on until the teacher chooses.
      await banner.getByRole('button', { name: 'Later' }).click();
      await expect.poll(() => banner.count()).toBe(0);
      expect(await version(page)).toBe(versionA);

      // The banner comes back on the next load; "Reload to update" brings build B in.
      await page.reload();
      await banner.waitFor({ timeout: 60_000 });
      // (On Settings, where the version is shown: the page reloads itself into build B.)
      await banner.getByRole('button', { name: 'Reload to update' }).click();
      await expect
        .poll(() => page.getByTestId('version').textContent(), { timeout: 60_000 })
        .toBe(`Version ${VERSION}, built 01/02/2030.`);
      await expect.poll(() => banner.count()).toBe(0);
      await page.goto(`${app.url}#/students`);
      await page.getByRole('cell', { name: 'Lê Thị Mai', exact: true }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

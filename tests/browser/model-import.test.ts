/**
 * Importing FaceNet in Settings, with a stand-in of FaceNet's signature written at test time (the real
 * weights cannot be downloaded): an incomplete pick is refused by name, a complete one is checked, kept in the
 * browser, and the app then runs with it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, makeMjpeg, serveBuiltApp } from '../helpers/chromium';
import { writeCustomStandIn, writeFaceNetStandIn } from '../helpers/facenet-stand-in';
import { NPM_PHOTOS } from '../helpers/images';

let app: { url: string; close: () => Promise<void> };
let camera: string;
let files: string[];
let custom: string[];

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'facenet-import-'));
  files = writeFaceNetStandIn(work);
  custom = writeCustomStandIn(work);
  camera = makeMjpeg(NPM_PHOTOS.sample6.file, join(work, 'four-faces.mjpeg'));
  app = await serveBuiltApp();
});

afterAll(async () => {
  await app?.close();
});

/** The camera check starts the engine with the chosen model and finds the feed's four faces, with no error. */
async function expectCameraCheckRuns(page: Page, errors: string[]): Promise<void> {
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect
    .poll(() => page.getByTestId('face-count').textContent(), { timeout: 120_000 })
    .toBe(String(NPM_PHOTOS.sample6.faces));
  expect(await page.getByRole('alert').count()).toBe(0);
  expect(errors).toEqual([]);
}

describe('FaceNet import in Settings', () => {
  it('refuses a folder without its weights, then imports a complete one and runs with it', async () => {
    const context = await launchChromium({ camera });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/settings`);
      const input = page.locator('input[type=file][accept*=".bin"]:not([data-testid])');
      const message = page.getByTestId('import-message');

      await input.setInputFiles([files[0]!]);
      await expect.poll(() => message.textContent(), { timeout: 60_000 }).toMatch(/group1-shard1of1\.bin is missing/);

      await input.setInputFiles(files);
      await expect.poll(() => message.textContent(), { timeout: 60_000 }).toMatch(/is imported and works/);

      await page.getByLabel('Recognition model').selectOption('facenet-20180402-114759');
      await expectCameraCheckRuns(page, errors);
    } finally {
      await context.close();
    }
  });

  it("imports a school's own network from its files and a few words on it, and keeps it across a restart", async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'custom-model-'));
    let context = await launchChromium({ camera, profileDir });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}#/settings`);
      await page.getByTestId('recognition-details').locator(':scope > summary').click();
      await page.getByText('Import a model of your own').click();
      await page.getByLabel('Name', { exact: true }).fill('School ArcFace');
      await page.getByLabel('Input size (pixels)').fill('112');
      await page.getByLabel('Pixel values it expects').selectOption('-1..1');
      await page.getByTestId('custom-model-files').setInputFiles(custom);
      const message = page.getByTestId('import-message');
      await expect
        .poll(() => message.textContent(), { timeout: 60_000 })
        .toMatch(/School ArcFace \(128 values a face\) is imported and works/);
    } finally {
      await context.close();
    }
    context = await launchChromium({ camera, profileDir });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/settings`);
      await page.getByLabel('Recognition model').selectOption({ label: 'School ArcFace' });
      await expectCameraCheckRuns(page, errors);
    } finally {
      await context.close();
    }
  });
});

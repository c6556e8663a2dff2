/** Students written through the app's repositories survive a reload and a browser restart (same profile). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';

let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let url: string;

beforeAll(async () => {
  pages = await serveProjectPages();
  url = pages.url('/tests/browser/pages/db.html');
});

afterAll(async () => {
  await pages?.close();
});

type DbPage = { addOne(id: string, name: string): Promise<void>; listNames(): Promise<string[]> };

const ready = (page: Page): Promise<void> => openReadyPage(page, url);

describe('IndexedDB in Chromium', () => {
  it('keeps students across a reload and a browser restart with the same profile', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'fa-profile-'));
    let context = await launchChromium({ profileDir });
    let page = await context.newPage();
    await ready(page);
    await page.evaluate(() => (window as unknown as DbPage).addOne('S001', 'Nguyễn Thị Ánh'));
    await page.reload();
    await ready(page);
    expect(await page.evaluate(() => (window as unknown as DbPage).listNames())).toEqual(['S001 Nguyễn Thị Ánh']);
    await context.close();

    context = await launchChromium({ profileDir });
    page = await context.newPage();
    await ready(page);
    await page.evaluate(() => (window as unknown as DbPage).addOne('S002', 'Trần Văn Bình'));
    expect(await page.evaluate(() => (window as unknown as DbPage).listNames())).toEqual([
      'S001 Nguyễn Thị Ánh',
      'S002 Trần Văn Bình',
    ]);
    await context.close();
  });
});

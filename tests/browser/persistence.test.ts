/** Students written through the app's repositories survive a reload and a browser restart (same profile). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { projectRoot } from '../helpers/datasets';

let server: ViteDevServer;
let url: string;

beforeAll(async () => {
  server = await createServer({
    root: projectRoot,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0 },
  });
  await server.listen();
  const address = server.httpServer!.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/tests/browser/pages/db.html`;
});

afterAll(async () => {
  await server?.close();
});

type DbPage = { addOne(id: string, name: string): Promise<void>; listNames(): Promise<string[]> };

async function ready(page: Page): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, {
    timeout: 120_000,
  });
}

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

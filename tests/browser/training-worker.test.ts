/** The classifier trains in a Web Worker in Chromium: progress arrives, the page stays responsive. */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';

let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  pages = await serveProjectPages();
  context = await launchChromium();
  page = await context.newPage();
  await openReadyPage(page, pages.url('/tests/browser/pages/train.html'));
});

afterAll(async () => {
  await context?.close();
  await pages?.close();
});

describe('training in a Web Worker', () => {
  it('trains, reports progress up to 1, and leaves the main thread free', async () => {
    const result = await page.evaluate(() =>
      (
        window as unknown as {
          trainDemo: (
            c: number,
            p: number,
            d: number,
          ) => Promise<{ classes: number; progress: number[]; ticks: number; ms: number }>;
        }
      ).trainDemo(40, 10, 256),
    );
    expect(result.classes).toBe(40);
    expect(result.progress.at(-1)).toBe(1);
    expect(result.progress.length).toBeGreaterThan(3);
    // A blocked main thread would have run the 10 ms timer at most once or twice.
    expect(result.ticks).toBeGreaterThan(Math.min(5, result.ms / 40));
  });

  it('passes the "nobody enrolled" message back as a ValidationError', async () => {
    const message = await page.evaluate(() =>
      (window as unknown as { trainNothing: () => Promise<string> }).trainNothing(),
    );
    expect(message).toMatch(/^ValidationError: Nobody is enrolled/);
  });
});

/**
 * The face engine in its Web Worker, in Chromium: every method leaves the engine's tensors as they were, a
 * live session follows the faces of a photo (full detection by BlazeFace with O-Net, then O-Net follows), and an engine whose model
 * files are missing fails with the app's own `ModelLoadError` across the worker boundary.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/embedding/models';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';
import { NPM_PHOTOS } from '../helpers/images';

let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  pages = await serveProjectPages([], [NPM_PHOTOS.sample6.file.replace(/\/[^/]+$/, '')]);
  context = await launchChromium();
  page = await context.newPage();
  await openReadyPage(page, pages.url('/tests/browser/pages/engine.html'));
});

afterAll(async () => {
  await context?.close();
  await pages?.close();
});

describe('the face engine worker', () => {
  it('runs every method without leaving a tensor behind, and follows the faces of a live frame', async () => {
    const url = pages.url(`/@fs${NPM_PHOTOS.sample6.file}`);
    const r = await page.evaluate(
      ([u, m]) =>
        (
          window as unknown as {
            engineLeakCheck(
              u: string,
              m: string,
            ): Promise<{
              where: string;
              liveDetector: string;
              steps: Record<string, number>;
              before: { tensors: number; bytes: number };
              after: { tensors: number; bytes: number };
              faces: number[];
              kinds: string[];
              marked: number;
              students: number;
            }>;
          }
        ).engineLeakCheck(u, m),
      [url, DEFAULT_EMBEDDING_MODEL.id] as const,
    );
    expect(r.where).toBe('worker');
    // Live frames and the camera check are searched by BlazeFace with O-Net, photos by MTCNN.
    expect(r.liveDetector).toBe('blazeface');
    expect(r.faces).toEqual([4, 4, 4]);
    expect(r.students).toBe(4);
    expect({ ...r.steps, after: r.after.tensors }).toEqual(
      Object.fromEntries([...Object.keys(r.steps), 'after'].map((k) => [k, r.before.tensors])),
    );
    expect(r.after.bytes).toBe(r.before.bytes);
    // Full detection first; the still photo is then followed, with a full detection at most every second.
    expect(r.kinds[0]).toBe('full');
    expect(r.kinds.filter((k) => k === 'follow').length).toBeGreaterThanOrEqual(3);
    expect(r.marked).toBe(4);
  });

  it("fails with the app's ModelLoadError, naming the file, when a model's files are missing", async () => {
    const r = await page.evaluate(() =>
      (window as unknown as { missingModel(): Promise<Record<string, unknown>> }).missingModel(),
    );
    expect(r).toMatchObject({ thrown: true, isModelLoadError: true, name: 'ModelLoadError' });
    expect(String(r.file)).toBe('faceres.json');
    expect(String(r.message)).toMatch(/faceres\.json/);
  });
});

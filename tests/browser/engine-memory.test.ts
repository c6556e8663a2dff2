/**
 * Memory after a lesson, in Chromium: the face engine in its worker runs a first live session (caches and
 * the WebAssembly heap fill), stops, then a second of 400 frames of a 4-face photo, and stops. After the
 * second Stop the engine holds the tensors it held after the first, and the worker's JavaScript heap and
 * the page's, measured apart (`performance.measureUserAgentSpecificMemory`, which needs the page
 * cross-origin isolated), are where they were: nothing grows with the number of frames.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/embedding/models';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';
import { NPM_PHOTOS } from '../helpers/images';

const FRAMES = 400;
/** What the heaps may differ by between the two Stops: V8's own bookkeeping, far under a frame's worth. */
const SLACK_BYTES = 1.5 * 2 ** 20;

let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let context: BrowserContext;
let page: Page;

/** COOP and COEP on every answer of the test server, as the app's service worker gives the app. */
const isolation: Plugin = {
  name: 'cross-origin-isolation',
  configureServer(server) {
    server.middlewares.use((_req, res, next) => {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      next();
    });
  },
};

beforeAll(async () => {
  pages = await serveProjectPages([isolation], [NPM_PHOTOS.sample6.file.replace(/\/[^/]+$/, '')]);
  // A worker's heap is measured as what it holds: garbage collected first (gc exposed), measured at once.
  context = await launchChromium({
    args: ['--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  page = await context.newPage();
  await openReadyPage(page, pages.url('/tests/browser/pages/engine.html'));
});

afterAll(async () => {
  await context?.close();
  await pages?.close();
});

describe("the face engine's memory over a lesson", () => {
  it(`is back where it was after Stop, ${FRAMES} frames later: tensors, worker heap and page heap`, async () => {
    const url = pages.url(`/@fs${NPM_PHOTOS.sample6.file}`);
    type Snapshot = { tensors: number; page: number; worker: number };
    const r = await page.evaluate(
      ([u, m, n]) =>
        (
          window as unknown as {
            memoryAfterStop(
              u: string,
              m: string,
              n: number,
            ): Promise<{ isolated: boolean; first: Snapshot; second: Snapshot }>;
          }
        ).memoryAfterStop(u, m, n),
      [url, DEFAULT_EMBEDDING_MODEL.id, FRAMES] as const,
    );
    const mb = (b: number) => (b / 2 ** 20).toFixed(2);
    console.log(
      `after the first Stop: ${r.first.tensors} tensors, worker ${mb(r.first.worker)} MB, page ${mb(r.first.page)} MB; ` +
        `after ${FRAMES} more frames and Stop: ${r.second.tensors} tensors, worker ${mb(r.second.worker)} MB, page ${mb(r.second.page)} MB`,
    );
    expect(r.isolated).toBe(true);
    expect(r.first.worker).toBeGreaterThan(2 ** 20);
    expect(r.second.tensors).toBe(r.first.tensors);
    expect(r.second.worker - r.first.worker).toBeLessThan(SLACK_BYTES);
    expect(r.second.page - r.first.page).toBeLessThan(SLACK_BYTES);
  });
});

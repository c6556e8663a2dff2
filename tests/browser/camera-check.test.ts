/**
 * The built app in headless Chromium with a fake webcam showing a real photo of four people: faces are
 * found live, on the backend asked for, with boxes drawn; without WebGL it falls back to WebAssembly and
 * says so; a blocked camera gets a message that says what to do.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, makeMjpeg, serveBuiltApp } from '../helpers/chromium';
import { projectRoot } from '../helpers/datasets';
import { NPM_PHOTOS } from '../helpers/images';

const shots = join(projectRoot, 'test-results', 'screenshots');
let app: { url: string; close: () => Promise<void> };
let camera: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  camera = makeMjpeg(NPM_PHOTOS.sample6.file, join(mkdtempSync(join(tmpdir(), 'cam-')), 'four-faces.mjpeg'));
  app = await serveBuiltApp();
});

afterAll(async () => {
  await app?.close();
});

/** Starts the camera check and waits until `frames` frames were analysed. */
async function runCameraCheck(page: Page, query: string, frames = 3): Promise<void> {
  await page.goto(`${app.url}${query}#/settings`);
  await page.getByRole('button', { name: 'Start camera' }).click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=face-count]')?.getAttribute('data-frames')) >= n,
    frames,
    { timeout: 240_000 },
  );
}

async function withBrowser(
  options: Parameters<typeof launchChromium>[0],
  body: (page: Page) => Promise<void>,
): Promise<void> {
  let context: BrowserContext | undefined;
  try {
    context = await launchChromium(options);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await body(page);
    expect(errors).toEqual([]);
  } finally {
    await context?.close();
  }
}

describe('camera check in the built app', () => {
  it('finds the four faces of the fake webcam on WebGL and draws them', async () => {
    await withBrowser({ camera }, async (page) => {
      await runCameraCheck(page, '?backend=webgl');
      const count = page.getByTestId('face-count');
      await expect.poll(() => count.textContent()).toBe(String(NPM_PHOTOS.sample6.faces));
      // tf.getBackend() as the detection loop read it, and the engine chip.
      expect(await count.getAttribute('data-frame-backend')).toBe('webgl');
      expect(await page.getByTestId('backend').getAttribute('data-backend')).toBe('webgl');
      // Boxes were drawn: the overlay canvas has green pixels.
      const green = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.stage canvas')!;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i + 1]! > 150 && data[i]! < 100) n++;
        return n;
      });
      expect(green).toBeGreaterThan(500);
      await page.screenshot({ path: join(shots, 'camera-check-webgl.png') });
    });
  });

  it('falls back to WebAssembly where WebGL is missing, and says so', async () => {
    await withBrowser({ camera, noWebgl: true }, async (page) => {
      await runCameraCheck(page, '', 2);
      expect(await page.getByTestId('backend').getAttribute('data-backend')).toBe('wasm');
      expect(await page.getByTestId('face-count').getAttribute('data-frame-backend')).toBe('wasm');
      await expect.poll(() => page.getByTestId('face-count').textContent()).toBe(String(NPM_PHOTOS.sample6.faces));
      // --disable-webgl reaches the page's canvases but not a worker's OffscreenCanvas, where the engine
      // then finds WebGL in software (SwiftShader): either reason says why WebAssembly runs.
      expect(await page.getByTestId('backend-note').textContent()).toMatch(
        /WebGL is not available|WebGL runs in software/,
      );
      await page.screenshot({ path: join(shots, 'camera-check-wasm-fallback.png') });
    });
  });

  it('measures WebGL against WebAssembly once on this computer, keeps the choice, and warms up at install', async () => {
    await withBrowser({ camera }, async (page) => {
      // `?measure=all` measures software WebGL too (without it, SwiftShader is known to lose and is skipped).
      await runCameraCheck(page, '?measure=all', 2);
      const chip = page.getByTestId('backend');
      expect(await chip.getAttribute('data-measured')).toBe('now');
      const note = (await page.getByTestId('backend-note').textContent()) ?? '';
      expect(note).toMatch(
        /^Measured on this computer: (WebGL|WebAssembly) [\d.]+ ms, (WebGL|WebAssembly) [\d.]+ ms a test frame, so (WebGL|WebAssembly) is used/,
      );
      const kept = JSON.parse(
        (await page.evaluate(() => localStorage.getItem('face-attendance.backend-measurement'))) ?? 'null',
      ) as { backend: string; ms: Record<string, number>; key: string };
      expect(Object.keys(kept.ms).sort()).toEqual(['wasm', 'webgl']);
      // The faster is used: on this machine's software WebGL that is WebAssembly.
      const faster = kept.ms.webgl! < kept.ms.wasm! ? 'webgl' : 'wasm';
      expect(kept.backend).toBe(faster);
      expect(await chip.getAttribute('data-backend')).toBe(faster);
      expect(kept.key).toMatch(/cores \| Chrome \d+$/);

      // The next visit uses the kept measurement without measuring again.
      await runCameraCheck(page, '?measure=all&visit=2', 2);
      expect(await chip.getAttribute('data-measured')).toBe('kept');
      expect(await page.getByTestId('backend-note').textContent()).toMatch(/^Chosen by measuring this computer/);

      // "Measure this computer again" measures, warms the live path up and says so.
      await page.getByTestId('recognition-details').locator(':scope > summary').click();
      await page.getByTestId('measure-again').click();
      await expect
        .poll(() => page.getByTestId('measure-message').textContent(), { timeout: 240_000 })
        .toMatch(/Measured on this computer: .* Ready for lessons: the live picture's first frame took \d+ ms\./);
      expect(await chip.getAttribute('data-measured')).toBe('now');

      // Installing the app gets the engine ready for lessons: the live path run once at 1280×720.
      await page.goto(`${app.url}?measure=all&visit=3#/students`);
      expect(await page.getByTestId('backend').count()).toBe(0);
      await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
      await expect
        .poll(() => page.getByTestId('backend').getAttribute('data-warm-up-ms'), { timeout: 240_000 })
        .toMatch(/^\d+$/);
      expect(await chip.getAttribute('data-measured')).toBe('kept');
    });
  });

  it('tells the teacher how to unblock a denied camera, and keeps the page usable', async () => {
    await withBrowser({ camera, allowCamera: false }, async (page) => {
      await page.goto(`${app.url}?backend=wasm#/settings`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 120_000 });
      expect(await alert.textContent()).toMatch(/camera is blocked.*Allow/);
      expect(await page.getByRole('button', { name: 'Start camera' }).isEnabled()).toBe(true);
      await page.screenshot({ path: join(shots, 'camera-check-denied.png') });
    });
  });
  it('says so when the camera stops during the check or while taking photos, and how to go on', async () => {
    /** Ends the playing camera's track, as a pulled cable does. */
    const endTrack = (page: Page) =>
      page.evaluate(() => {
        const track = (document.querySelector('video')!.srcObject as MediaStream).getVideoTracks()[0]!;
        track.stop();
        track.dispatchEvent(new Event('ended'));
      });
    await withBrowser({ camera }, async (page) => {
      await runCameraCheck(page, '?backend=wasm', 2);
      await endTrack(page);
      await expect
        .poll(() => page.getByTestId('camera-note').textContent())
        .toMatch(/The camera stopped \(unplugged.*Press “Start camera” to check again/);
      expect(await page.getByRole('button', { name: 'Start camera' }).isEnabled()).toBe(true);

      await page.goto(`${app.url}?backend=wasm#/students`);
      await page.getByRole('button', { name: 'Add student', exact: true }).click();
      await page.getByLabel('Student ID', { exact: true }).fill('SV900');
      await page.getByLabel('Student Name', { exact: true }).fill('Trần Minh Khoa');
      await page.getByLabel('Class', { exact: true }).fill('10A');
      await page.getByLabel('Faculty', { exact: true }).fill('Khoa học');
      await page.getByLabel(/Consent to use this student's photos/).check();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('cell', { name: 'Trần Minh Khoa', exact: true }).waitFor();
      await page.goto(`${app.url}?backend=wasm#/enrol`);
      await page.getByLabel('Student', { exact: true }).selectOption('SV900');
      await page.getByRole('button', { name: 'Take photos', exact: true }).click();
      await page.waitForFunction(
        () =>
          (document.querySelector('video')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.readyState ===
          'live',
        null,
        { timeout: 120_000 },
      );
      await endTrack(page);
      await expect
        .poll(() => page.getByTestId('camera-note').textContent())
        .toMatch(/The camera stopped.*photos taken so far are kept: press “Take photos” to go on/);
      expect(await page.getByRole('button', { name: 'Take photos', exact: true }).isEnabled()).toBe(true);
    });
  });
});

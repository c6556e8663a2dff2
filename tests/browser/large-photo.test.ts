/**
 * A phone-sized photo uploaded in Chromium gives the same stored face image and embedding as a smaller copy
 * of it. (Before, a 4,032 × 3,024 photo came out with a striped crop: the WebAssembly backend's
 * `cropAndResize` loses pixel precision on frames of more than 2^24 values.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/embedding/models';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';
import { NPM_PHOTOS, PORTRAIT } from '../helpers/images';

const dir = mkdtempSync(join(tmpdir(), 'fa-large-'));
let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let context: BrowserContext;
let page: Page;

/** The photo at `width` px wide (and cut to `height` where given), as a phone's JPEG. */
function photoAt(width: number, height?: number): string {
  const out = join(dir, `photo-${width}${height ? `x${height}` : ''}.jpg`);
  const vf = height
    ? `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=lanczos,crop=${width}:${height}`
    : `scale=${width}:-2:flags=lanczos`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'photo-6000.jpg'), '-vf', vf, '-q:v', '2', out]);
  return out;
}

beforeAll(async () => {
  // The "phone photo": the first woman of an npm-shipped group photo (her face 211 px wide, no other face in
  // the 600 × 450 cut), scaled up to 6,000 × 4,500 px; the others are taken down from it.
  const p = PORTRAIT;
  const vf = `crop=${p.width}:${p.height}:${p.x}:${p.y},scale=6000:4500:flags=lanczos`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    NPM_PHOTOS.sample6.file,
    '-vf',
    vf,
    '-q:v',
    '2',
    join(dir, 'photo-6000.jpg'),
  ]);
  pages = await serveProjectPages([], [dir]);
  context = await launchChromium();
  page = await context.newPage();
  await openReadyPage(page, pages.url('/tests/browser/pages/engine.html'));
});

afterAll(async () => {
  await context?.close();
  await pages?.close();
});

interface Capture {
  width: number;
  height: number;
  pixels: number[];
  embedding: number[];
  backend: string;
}

describe('a large photo in Chromium', () => {
  it('stores the same face image and embedding at 1,600, 3,000, 4,032 × 3,024 and 6,000 px', async () => {
    const files = [photoAt(1600, 1200), photoAt(3000, 2250), photoAt(4032, 3024), join(dir, 'photo-6000.jpg')];
    const captures: Capture[] = [];
    for (const file of files) {
      const c = await page.evaluate(
        ([url, model]) =>
          (
            window as unknown as { capturePhoto: (u: string, b: string, m: string) => Promise<Capture | null> }
          ).capturePhoto(url!, 'wasm', model!),
        [pages.url(`/@fs${file}`), DEFAULT_EMBEDDING_MODEL.id],
      );
      expect(c, file).not.toBeNull();
      captures.push(c!);
    }
    expect(captures.map((c) => c.width)).toEqual([1600, 3000, 4032, 6000]);
    expect(captures[2]!.height).toBe(3024);
    expect(captures[0]!.backend).toBe('wasm');
    const ref = captures[0]!;
    for (const c of captures.slice(1)) {
      let diff = 0;
      let n = 0;
      for (let k = 0; k < c.pixels.length; k += 4) {
        for (let ch = 0; ch < 3; ch++) diff += Math.abs(c.pixels[k + ch]! - ref.pixels[k + ch]!);
        n += 3;
      }
      const cos = c.embedding.reduce((s, v, k) => s + v * ref.embedding[k]!, 0);
      console.log(
        `${c.width} × ${c.height}: face image mean difference ${(diff / n).toFixed(2)}, cosine ${cos.toFixed(4)}`,
      );
      expect(diff / n).toBeLessThan(6);
      expect(cos).toBeGreaterThanOrEqual(0.99);
    }
  });
});

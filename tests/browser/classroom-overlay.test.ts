/**
 * The live overlay on a full classroom (bench:classroom's frame: 34 faces of 40–80 px in 1280 × 720): every
 * face found gets a tag, no two tags overlap, and the screenshot is kept for a look.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Canvas } from '@napi-rs/canvas';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types';
import { tagOverlap } from '../../src/services/tag-layout';
import {
  drawClassroomFrame,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  loadPhoto,
  planClassroom,
  seatClass,
  type ViewPhoto,
} from '../../scripts/bench/classroom-scene';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';
import { datasetsDir, hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';

const shots = join(projectRoot, 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'fa-class-'));
let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let context: BrowserContext;
let page: Page;
let names: string[] = [];

describe.skipIf(!hasDatasets)(
  `the live overlay on a classroom (${hasDatasets ? 'datasets present' : missingDatasetsNote})`,
  () => {
    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      const plan = planClassroom(join(datasetsDir, 'lfw'));
      const seats = seatClass(plan);
      const views = new Map<string, ViewPhoto[]>();
      for (const seat of seats) {
        // Each photo's face is near the middle of the 250 px LFW frame, about 100 px wide.
        const file = seat.stranger ? seat.person.photos[0]! : seat.person.photos[plan.enrolPhotos]!;
        views.set(seat.person.id, [{ image: await loadPhoto(file), faceCentre: { x: 125, y: 120 }, faceWidth: 100 }]);
      }
      const rgb = drawClassroomFrame(seats, views, 0, 0);
      const canvas = new Canvas(FRAME_WIDTH, FRAME_HEIGHT);
      const ctx = canvas.getContext('2d');
      const data = ctx.createImageData(FRAME_WIDTH, FRAME_HEIGHT);
      for (let i = 0; i < FRAME_WIDTH * FRAME_HEIGHT; i++)
        data.data.set([rgb.data[i * 3]!, rgb.data[i * 3 + 1]!, rgb.data[i * 3 + 2]!, 255], i * 4);
      ctx.putImageData(data, 0, 0);
      writeFileSync(join(dir, 'classroom.png'), canvas.encodeSync('png'));
      // Short names as the tags show them ("Bill G."), from the LFW folder names.
      names = seats.map((s) => {
        const parts = s.person.id.split('_');
        return parts.length > 1 ? `${parts[0]} ${parts.at(-1)![0]}.` : parts[0]!;
      });
      pages = await serveProjectPages([], [dir]);
      context = await launchChromium();
      page = await context.newPage();
      await page.setViewportSize({ width: 1280, height: 760 });
      await openReadyPage(page, pages.url('/tests/browser/pages/overlay.html'));
    });

    afterAll(async () => {
      await context?.close();
      await pages?.close();
    });

    it('tags every face of a 34-face frame, no tag over another', async () => {
      const r = await page.evaluate(
        ([url, n]) =>
          (
            window as unknown as { drawClassroom: (u: string, n: string[]) => Promise<{ faces: number; tags: Box[] }> }
          ).drawClassroom(url, n),
        [pages.url(`/@fs${join(dir, 'classroom.png')}`), names] as const,
      );
      expect(r.faces).toBeGreaterThanOrEqual(32);
      expect(r.tags).toHaveLength(r.faces);
      expect(tagOverlap(r.tags)).toBe(0);
      await page.screenshot({ path: join(shots, 'attendance-30-faces.png') });
    });
  },
);

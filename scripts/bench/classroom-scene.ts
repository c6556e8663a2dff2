/**
 * The classroom of `npm run bench:classroom`, built from the shared LFW folders: a roster of students who
 * enrol from their first photos, most of them seated in one 1280×720 webcam frame (faces of 40–80 px, the
 * back rows smallest) with strangers among them, each seat cycling through other photos of its person.
 * Frames are drawn with @napi-rs/canvas (smooth downscaling, as a camera's optics would give), with sensor
 * noise, a little head movement and the webcam's JPEG compression, so no two frames are the same.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Canvas, loadImage, type Image } from '@napi-rs/canvas';
import { seededRandom, shuffleInPlace } from '../../src/classifier/random';
import type { FaceDetection } from '../../src/core/types';
import type { FaceDetector } from '../../src/detection';
import { decodeImageBytes, imageToTensor, type RgbImage } from '../lib/image-file';

export interface Person {
  /** The LFW folder name, used as the student ID. */
  readonly id: string;
  readonly photos: readonly string[];
}

export interface ClassroomPlan {
  /** Everyone on the roster: enrolled from `enrolPhotos` photos each. */
  readonly roster: readonly Person[];
  /** Roster students in the room. */
  readonly seated: readonly Person[];
  /** Roster students not in the room (they must never be marked). */
  readonly absent: readonly Person[];
  /** People in the room who are not on the roster. */
  readonly strangers: readonly Person[];
  readonly enrolPhotos: number;
  readonly views: number;
}

export interface PlanOptions {
  /** Defaults to 30. */
  readonly seated?: number;
  /** Defaults to 4. */
  readonly absent?: number;
  /** Defaults to 4. */
  readonly strangers?: number;
  /** Enrolment photos per student. Defaults to 5. */
  readonly enrolPhotos?: number;
  /** Photos each seat cycles through. Defaults to 3. */
  readonly views?: number;
  /** Defaults to 1. */
  readonly seed?: number;
}

function listPeople(root: string): Person[] {
  return readdirSync(root)
    .filter((name) => !/^[_.]/.test(name))
    .sort()
    .map((id) => ({
      id,
      photos: readdirSync(join(root, id))
        .filter((f) => /\.(jpe?g|png)$/i.test(f))
        .sort()
        .map((f) => join(root, id, f)),
    }));
}

/**
 * Picks the people of the class from `<lfw>/known`: seated students need enrolment photos plus views,
 * absent ones enrolment photos, strangers only views. The seed decides who is who.
 */
export function planClassroom(lfwDir: string, options: PlanOptions = {}): ClassroomPlan {
  const seatedN = options.seated ?? 30;
  const absentN = options.absent ?? 4;
  const strangersN = options.strangers ?? 4;
  const enrolPhotos = options.enrolPhotos ?? 5;
  const views = options.views ?? 3;
  const random = seededRandom(options.seed ?? 1);
  const people = shuffleInPlace(listPeople(join(lfwDir, 'known')), random);
  const taken = new Set<string>();
  const pick = (n: number, minPhotos: number): Person[] => {
    const out = people.filter((p) => !taken.has(p.id) && p.photos.length >= minPhotos).slice(0, n);
    if (out.length < n) {
      throw new Error(`${lfwDir}/known has only ${out.length} more people with ${minPhotos}+ photos; ${n} needed.`);
    }
    out.forEach((p) => taken.add(p.id));
    return out;
  };
  const seated = pick(seatedN, enrolPhotos + views);
  const absent = pick(absentN, enrolPhotos);
  const strangers = pick(strangersN, views);
  const roster = [...seated, ...absent].sort((a, b) => a.id.localeCompare(b.id));
  return { roster, seated, absent, strangers, enrolPhotos, views };
}

/** Where a person sits and how big their face is drawn. */
export interface Seat {
  readonly person: Person;
  readonly stranger: boolean;
  /** The tile's place in the frame. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Face width drawn, in frame pixels. */
  readonly faceSize: number;
}

/** A view photo with its face's box (found once in the photo itself, to scale it to the seat). */
export interface ViewPhoto {
  readonly image: Image;
  readonly faceCentre: { readonly x: number; readonly y: number };
  readonly faceWidth: number;
}

export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 720;

/**
 * Seats in rows, the back row (top of the frame) smallest: face widths from `minFace` to `maxFace`. Each
 * tile is 1.6 face widths wide and 2 tall (head and shoulders).
 */
export function seatClass(
  plan: ClassroomPlan,
  options: { minFace?: number; maxFace?: number; seed?: number } = {},
): Seat[] {
  const minFace = options.minFace ?? 40;
  const maxFace = options.maxFace ?? 80;
  const people = shuffleInPlace(
    [...plan.seated.map((p) => ({ p, stranger: false })), ...plan.strangers.map((p) => ({ p, stranger: true }))],
    seededRandom((options.seed ?? 1) + 17),
  );
  const rows = Math.max(1, Math.min(5, Math.ceil(people.length / 7)));
  const perRow = Math.ceil(people.length / rows);
  const sizes = Array.from({ length: rows }, (_, r) =>
    rows === 1 ? (minFace + maxFace) / 2 : minFace + ((maxFace - minFace) * r) / (rows - 1),
  );
  const heights = sizes.map((f) => 2 * f);
  const gapY = Math.max(0, (FRAME_HEIGHT - heights.reduce((a, b) => a + b, 0)) / (rows + 1));
  const seats: Seat[] = [];
  let y = gapY;
  for (let r = 0; r < rows; r++) {
    const face = sizes[r]!;
    const inRow = people.slice(r * perRow, (r + 1) * perRow);
    const w = 1.6 * face;
    const gapX = (FRAME_WIDTH - inRow.length * w) / (inRow.length + 1);
    inRow.forEach(({ p, stranger }, i) =>
      seats.push({
        person: p,
        stranger,
        x: Math.round(gapX + i * (w + gapX)),
        y: Math.round(y),
        width: Math.round(w),
        height: Math.round(heights[r]!),
        faceSize: face,
      }),
    );
    y += heights[r]! + gapY;
  }
  return seats;
}

export async function loadPhoto(path: string): Promise<Image> {
  return loadImage(path);
}

/**
 * Draws the classroom at time `ms`: each seat shows view ⌊ms / viewMs⌋ mod views of its person, moved by
 * up to 2 px and scaled by up to ±4 % (a head is never quite still), over a plain wall, then sensor noise
 * and JPEG at quality 80. Returns the decoded RGB frame, as the camera's frames reach the app.
 */
export function drawClassroomFrame(
  seats: readonly Seat[],
  views: ReadonlyMap<string, readonly ViewPhoto[]>,
  ms: number,
  frameIndex: number,
  viewMs = 2000,
): RgbImage {
  const random = seededRandom(1000 + frameIndex);
  const canvas = new Canvas(FRAME_WIDTH, FRAME_HEIGHT);
  const ctx = canvas.getContext('2d');
  const wall = ctx.createLinearGradient(0, 0, 0, FRAME_HEIGHT);
  wall.addColorStop(0, '#d9d4c7');
  wall.addColorStop(1, '#8f8a80');
  ctx.fillStyle = wall;
  ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  for (const seat of seats) {
    const photos = views.get(seat.person.id)!;
    const view = photos[Math.floor(ms / viewMs) % photos.length]!;
    const scale = (seat.faceSize / view.faceWidth) * (0.96 + 0.08 * random());
    // The source rectangle that fills the tile: the face centred a little above the middle.
    const sw = seat.width / scale;
    const sh = seat.height / scale;
    const sx = view.faceCentre.x - sw / 2 + (random() - 0.5) * 4;
    const sy = view.faceCentre.y - sh * 0.42 + (random() - 0.5) * 4;
    ctx.save();
    ctx.beginPath();
    ctx.rect(seat.x, seat.y, seat.width, seat.height);
    ctx.clip();
    ctx.drawImage(view.image, sx, sy, sw, sh, seat.x, seat.y, seat.width, seat.height);
    ctx.restore();
  }
  const pixels = ctx.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    // Sensor noise, about 2 grey levels.
    const n = (random() + random() + random() - 1.5) * 4;
    d[i] = d[i]! + n;
    d[i + 1] = d[i + 1]! + n;
    d[i + 2] = d[i + 2]! + n;
  }
  ctx.putImageData(pixels, 0, 0);
  return decodeImageBytes(canvas.encodeSync('jpeg', 80), `frame ${frameIndex}`);
}

/** The seat whose tile holds a point (a face's centre), if any. */
export function seatAt(seats: readonly Seat[], x: number, y: number): Seat | undefined {
  return seats.find((s) => x >= s.x && x < s.x + s.width && y >= s.y && y < s.y + s.height);
}

/**
 * Each seat's view photos, with each photo's face found once in the photo itself (the one nearest its
 * centre), to scale it to its seat. `rgb` decodes a photo file.
 */
export async function loadViews(
  plan: ClassroomPlan,
  seats: readonly Seat[],
  detector: FaceDetector,
  rgb: (path: string) => RgbImage,
): Promise<Map<string, ViewPhoto[]>> {
  const views = new Map<string, ViewPhoto[]>();
  for (const seat of seats) {
    const files = seat.stranger
      ? seat.person.photos.slice(0, plan.views)
      : seat.person.photos.slice(plan.enrolPhotos, plan.enrolPhotos + plan.views);
    const list: ViewPhoto[] = [];
    for (const file of files) {
      const image = rgb(file);
      const frame = imageToTensor(image);
      const faces = await detector.detectFaces(frame);
      frame.dispose();
      const centre = { x: image.width / 2, y: image.height / 2 };
      const off = (f: FaceDetection): number =>
        Math.hypot(f.box.x + f.box.width / 2 - centre.x, f.box.y + f.box.height / 2 - centre.y);
      const face = [...faces].sort((a, b) => off(a) - off(b))[0];
      list.push({
        image: await loadPhoto(file),
        faceCentre: face ? { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 } : centre,
        faceWidth: face?.box.width ?? image.width * 0.4,
      });
    }
    views.set(seat.person.id, list);
  }
  return views;
}

/** A drawn frame as a PNG or JPEG file's bytes. */
export function encodeFrame(image: RgbImage, format: 'png' | 'jpeg'): Buffer {
  const canvas = new Canvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(image.width, image.height);
  for (let i = 0; i < image.width * image.height; i++) {
    data.data.set([image.data[i * 3]!, image.data[i * 3 + 1]!, image.data[i * 3 + 2]!, 255], i * 4);
  }
  ctx.putImageData(data, 0, 0);
  return format === 'png' ? canvas.encodeSync('png') : canvas.encodeSync('jpeg', 90);
}

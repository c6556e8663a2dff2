/** Fake-webcam feeds made at test time from the shared datasets (never committed): slideshows and groups. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegMjpeg, fitFilter } from './chromium';
import { datasetsDir } from './datasets';

/** An MJPEG that shows each photo for `secondsEach`, in turn (Chromium loops it). */
export function makeSlideshowMjpeg(photos: readonly string[], output: string, secondsEach = 0.8): string {
  const inputs = photos.flatMap((p) => ['-loop', '1', '-t', String(secondsEach), '-i', p]);
  const chains = photos.map((_, i) => `[${i}:v]${fitFilter(640, 480)},fps=15[v${i}]`).join(';');
  const concat = `${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1:a=0`;
  return ffmpegMjpeg(inputs, `${chains};${concat}`, output);
}

/** A 2×2 grid of four photos (each 250×250 LFW image in a cell) as a still MJPEG of `seconds`. */
export function makeGridMjpeg(photos: readonly [string, string, string, string], output: string, seconds = 4): string {
  const inputs = photos.flatMap((p) => ['-loop', '1', '-t', String(seconds), '-i', p]);
  const cells = photos.map((_, i) => `[${i}:v]scale=250:250,setsar=1[c${i}]`).join(';');
  const grid = `[c0][c1][c2][c3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0,${fitFilter(640, 480)},fps=15`;
  return ffmpegMjpeg(inputs, `${cells};${grid}`, output);
}

export interface LfwPerson {
  readonly folder: string;
  /** The folder name with spaces. */
  readonly name: string;
  /** Photo paths, sorted by name. */
  readonly photos: readonly string[];
}

/** The first `count` known LFW people (by folder name) with at least `minPhotos` photos. */
export function lfwPeople(count: number, minPhotos: number): LfwPerson[] {
  const root = join(datasetsDir, 'lfw', 'known');
  return readdirSync(root)
    .sort()
    .map((folder) => ({
      folder,
      name: folder.replace(/_/g, ' '),
      photos: readdirSync(join(root, folder))
        .filter((f) => /\.jpe?g$/i.test(f))
        .sort()
        .map((f) => join(root, folder, f)),
    }))
    .filter((p) => p.photos.length >= minPhotos)
    .slice(0, count);
}

/** A stranger: the first LFW person with a single photo. */
export function lfwStranger(): string {
  const root = join(datasetsDir, 'lfw', 'unknown');
  const folder = readdirSync(root).sort()[0]!;
  return join(root, folder, readdirSync(join(root, folder)).sort()[0]!);
}

/** `npm run detect`: the command line as a person (or a benchmark) runs it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../scripts/lib/image-file';
import { projectRoot } from '../helpers/datasets';
import { NPM_PHOTOS } from '../helpers/images';
import { tf, useWasm } from '../helpers/tf-node';

interface CliFace {
  box: number[];
  score: number;
  landmarks: number[][];
}
interface CliImage {
  image: string;
  width: number;
  height: number;
  ms: number;
  faces: CliFace[];
}

let dir: string;
let greyPng: string;
let rgbaPng: string;
let notImage: string;

function runDetect(args: string[], viaNpm = false): { code: number | null; stdout: string; stderr: string } {
  const [cmd, pre] = viaNpm ? ['npm', ['run', '-s', 'detect', '--']] : ['npx', ['tsx', 'scripts/detect.ts']];
  const r = spawnSync(cmd, [...pre, ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A smaller copy of a shipped photo, written as PNG in another colour type. */
function writePng(path: string, colorType: 0 | 6): void {
  const photo = decodeImageFile(NPM_PHOTOS.sample6.file);
  const small = tf.tidy(() => {
    const t = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
    return tf.cast(tf.image.resizeBilinear(t, [384, 480]), 'int32');
  });
  const rgb = small.dataSync();
  small.dispose();
  const png = new PNG({ width: 480, height: 384 });
  for (let i = 0; i < 480 * 384; i++) {
    png.data[i * 4] = rgb[i * 3]!;
    png.data[i * 4 + 1] = rgb[i * 3 + 1]!;
    png.data[i * 4 + 2] = rgb[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255 - (i % 7);
  }
  writeFileSync(path, PNG.sync.write(png, { colorType, inputColorType: 6 }));
}

beforeAll(async () => {
  await useWasm();
  dir = mkdtempSync(join(tmpdir(), 'detect-cli-'));
  greyPng = join(dir, 'grey.png');
  rgbaPng = join(dir, 'rgba.png');
  notImage = join(dir, 'notes.jpg');
  writePng(greyPng, 0);
  writePng(rgbaPng, 6);
  writeFileSync(notImage, 'this is not a picture\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run detect', () => {
  it('prints one JSON array and nothing else on stdout, one entry an image', () => {
    const r = runDetect(['--json', NPM_PHOTOS.sample6.file], true);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as CliImage[];
    expect(out).toHaveLength(1);
    const [first] = out;
    expect(first).toMatchObject({ image: NPM_PHOTOS.sample6.file, width: 1920, height: 1537 });
    expect(first!.ms).toBeGreaterThan(0);
    expect(first!.faces).toHaveLength(NPM_PHOTOS.sample6.faces);
    for (const face of first!.faces) {
      expect(face.box).toHaveLength(4);
      expect(face.score).toBeGreaterThan(0.9);
      expect(face.landmarks).toHaveLength(5);
      face.landmarks.forEach((p) => expect(p).toHaveLength(2));
    }
  });

  it('reads grey and RGBA PNGs, names a file that is not an image on stderr, goes on, and exits 1', () => {
    const r = runDetect(['--json', '--backend', 'wasm', greyPng, notImage, rgbaPng]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(notImage);
    const out = JSON.parse(r.stdout) as CliImage[];
    expect(out.map((o) => o.image)).toEqual([greyPng, rgbaPng]);
    expect(out.map((o) => o.faces.length)).toEqual([NPM_PHOTOS.sample6.faces, NPM_PHOTOS.sample6.faces]);
  });

  it('honours --min-face: faces smaller than it are not looked for', () => {
    // The faces of the 480-px copy are about 70 px tall.
    const r = runDetect(['--json', '--min-face', '150', rgbaPng]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as CliImage[])[0]!.faces).toEqual([]);
  });

  it('says what is wrong with its arguments and exits 2', () => {
    const r = runDetect(['--backend', 'webgl', rgbaPng]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--backend must be wasm or cpu/);
    expect(runDetect([]).stderr).toMatch(/name at least one image/);
  });

  it('prints a readable summary without --json', () => {
    const r = runDetect([rgbaPng]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rgba\.png: 480×384, 4 face\(s\) in [\d.]+ ms/);
  });
});

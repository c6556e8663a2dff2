import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader, projectRoot } from '../../scripts/lib/node-tf';
import { ModelLoadError } from '../../src/core/errors';
import { iou } from '../../src/core/geometry';
import type { FaceDetection } from '../../src/core/types';
import { detectorEntry, type FaceDetector, type MtcnnDetector } from '../../src/detection';
import { INPUT_FACE, tileFor, tilesOf } from '../../src/detection/blazeface';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

const models = (folder: string) => fileAssetReader(join(projectRoot, 'public', 'models', folder));

describe('BlazeFace tiles', () => {
  it('takes the whole frame where the smallest face is already big enough in the input', () => {
    expect(tileFor(640, 480, { minFaceSize: 100 }, 256)).toBe(0);
    expect(tilesOf(640, 480, 0)).toEqual([{ x: 0, y: -80, side: 640 }]);
  });

  it('sizes tiles so the smallest face asked for is INPUT_FACE px in the input', () => {
    // 1280×720 taken down to 800 for MTCNN's 20 px: the smallest face is 32 px in the frame.
    const side = tileFor(1280, 720, { minFaceSize: 20, maxInputSize: 800 }, 256);
    expect((32 * 256) / side).toBeCloseTo(INPUT_FACE, 0);
  });

  it('covers every pixel of the frame with overlapping tiles', () => {
    const tiles = tilesOf(1280, 720, 427);
    expect(tiles.length).toBeGreaterThan(6);
    for (const [x, y] of [
      [0, 0],
      [1279, 719],
      [640, 360],
      [1279, 0],
      [0, 719],
    ] as const)
      expect(tiles.some((t) => x >= t.x && x < t.x + t.side && y >= t.y && y < t.y + t.side)).toBe(true);
  });
});

describe('the "blazeface" detector (BlazeFace boxes, O-Net landmarks)', () => {
  let blaze: FaceDetector;
  let mtcnn: MtcnnDetector;

  beforeAll(async () => {
    await useWasm();
    blaze = await detectorEntry('blazeface').load(models);
    mtcnn = await loadDetector();
  });

  afterAll(() => {
    blaze?.dispose();
    mtcnn?.dispose();
  });

  it.each(Object.entries(NPM_PHOTOS))('finds the faces MTCNN finds in %s, with its landmarks', async (_name, photo) => {
    const frame = loadImageTensor(photo.file);
    try {
      const before = tf.memory().numTensors;
      const faces = await blaze.detectFaces(frame);
      expect(tf.memory().numTensors).toBe(before);
      expect(faces).toHaveLength(photo.faces);
      const theirs = await mtcnn.detectFaces(frame);
      // MTCNN's O-Net run again on its own boxes: how far its landmarks move from one pass to the next.
      const again = await mtcnn.refreshFaces(
        frame,
        theirs.map((t) => t.box),
        1,
      );
      const apart = (a: FaceDetection, b: FaceDetection): number =>
        a.landmarks.reduce((s, p, i) => s + Math.hypot(p.x - b.landmarks[i]!.x, p.y - b.landmarks[i]!.y), 0) /
        (5 * b.box.width);
      for (const face of faces) {
        const k = theirs.findIndex((t) => iou(t.box, face.box) > 0.6);
        expect(k, 'an MTCNN face at the same place').toBeGreaterThanOrEqual(0);
        // O-Net gives the landmarks: as close to MTCNN's as MTCNN's own second pass, within 2 % of the width.
        expect(apart(face, theirs[k]!)).toBeLessThan(apart(again[k]!, theirs[k]!) + 0.02);
      }
    } finally {
      frame.dispose();
    }
  });

  it('finds nothing on a blank wall', async () => {
    const wall = tf.fill<tf.Rank.R3>([720, 1280, 3], 180, 'int32');
    try {
      expect(await blaze.detectFaces(wall, { minFaceSize: 20, maxInputSize: 800 })).toEqual([]);
    } finally {
      wall.dispose();
    }
  });

  it('names a missing model file', async () => {
    const error = await detectorEntry('blazeface')
      .load((folder) => (folder === 'blazeface' ? models('no-such-folder') : models(folder)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).file).toBe('blazeface-back.json');
  });
});

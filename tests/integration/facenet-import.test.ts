/**
 * The FaceNet import path, with a stand-in graph model of FaceNet's signature built here (inputs `input`
 * N×160×160×3 and `phase_train`, output `embeddings`, 512-d): the real weights cannot be downloaded.
 * The stand-in's output is zero unless `phase_train` is fed false, so the test also proves that.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader } from '../../scripts/lib/node-tf';
import { ModelLoadError } from '../../src/core/errors';
import { FaceEmbedder, marginCrops } from '../../src/embedding/embedder';
import { FACENET } from '../../src/embedding/models';
import { writeFaceNetStandIn } from '../helpers/facenet-stand-in';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

let dir: string;
let embedder: FaceEmbedder;

beforeAll(async () => {
  await useWasm();
  dir = mkdtempSync(join(tmpdir(), 'facenet-'));
  writeFaceNetStandIn(dir);
  embedder = await FaceEmbedder.load(FACENET, () => fileAssetReader(dir));
});

afterAll(() => embedder?.dispose());

describe('FaceNet import', () => {
  it('loads a converted model of its signature and embeds faces at 512-d, phase_train fed false', async () => {
    const detector = await loadDetector();
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    const faces = await detector.detectFaces(frame);
    const before = tf.memory().numTensors;
    const embeddings = await embedder.embedFaces(frame, faces);
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
    detector.dispose();
    expect(embeddings).toHaveLength(4);
    for (const e of embeddings) {
      expect(e).toHaveLength(512);
      expect(Math.hypot(...e)).toBeCloseTo(1, 4);
    }
  });

  it('crops the box grown by the 32-px margin, clipped to the frame, at 160×160', () => {
    const frame = tf.tidy(() => tf.concat<tf.Tensor3D>([tf.zeros([100, 50, 3]), tf.fill([100, 50, 3], 200)], 1));
    const box = { x: 40, y: 30, width: 20, height: 20 };
    const crops = marginCrops(frame, [{ box, score: 1, landmarks: [box, box, box, box, box] }], 160, 32);
    expect(crops.shape).toEqual([1, 160, 160, 3]);
    // The window runs from x = 24 to 76: the dark half ends at x = 50, halfway across.
    const row = tf.tidy(() => tf.slice(crops, [0, 80, 0, 0], [1, 1, 160, 1]).dataSync());
    expect(row[40]).toBe(0);
    expect(row[120]).toBe(200);
    tf.dispose([frame, crops]);
  });

  it('explains how to import FaceNet when it is not there', async () => {
    const error = await FaceEmbedder.load(FACENET, () => fileAssetReader(join(dir, 'missing'))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toMatch(/tensorflowjs_converter.*public\/models\/facenet/);
  });
});

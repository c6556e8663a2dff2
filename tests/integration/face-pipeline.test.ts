/** The DOM-free face pipeline on a real photo: captures and the live session's work leave no tensor behind. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader, projectRoot } from '../../scripts/lib/node-tf';
import { FaceEmbedder } from '../../src/embedding/embedder';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/embedding/models';
import { FacePipeline, liveDetectOptions } from '../../src/services/face-pipeline';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

let pipeline: FacePipeline;

beforeAll(async () => {
  await useWasm();
  const embedder = await FaceEmbedder.load(DEFAULT_EMBEDDING_MODEL, (n) =>
    fileAssetReader(join(projectRoot, 'public', 'models', n.folder)),
  );
  pipeline = new FacePipeline(await loadDetector(), embedder);
});

afterAll(() => pipeline?.dispose());

describe('FacePipeline', () => {
  it('captures several faces of a frame, and runs the live work, without leaving a tensor behind', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    try {
      await pipeline.capture(frame, (faces) => faces);
      const before = tf.memory().numTensors;
      const result = await pipeline.capture(frame, (faces) => faces);
      expect(result.captures).toHaveLength(NPM_PHOTOS.sample6.faces);
      expect(tf.memory().numTensors).toBe(before);

      const work = pipeline.frameWork(frame, liveDetectOptions(frame.shape[1], frame.shape[0], 'middle'));
      const found = await work.detect();
      expect(found).toHaveLength(NPM_PHOTOS.sample6.faces);
      const followed = await work.refresh(found.map((f) => f.box));
      expect(followed.every((f) => f !== null)).toBe(true);
      expect(await work.embed(found)).toHaveLength(found.length);
      const signature = await work.signature();
      expect(signature.length).toBeGreaterThanOrEqual(18 * 32);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      frame.dispose();
    }
  });

  it('takes a live frame down for the pyramid until the smallest face is about 20 px', () => {
    expect(liveDetectOptions(1280, 720, 'middle')).toEqual({ minFaceSize: 20, maxInputSize: 800 });
    expect(liveDetectOptions(1280, 720, 'back')).toEqual({ minFaceSize: 20, maxInputSize: 1280 });
    expect(liveDetectOptions(640, 480, 'middle')).toEqual({ minFaceSize: 20, maxInputSize: 640 });
    expect(liveDetectOptions(640, 480, 'near')).toEqual({ minFaceSize: 20, maxInputSize: 242 });
  });
});

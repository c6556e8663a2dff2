/** FaceRes embeddings of real faces: loaded from the prepared files, normalised, consistent, leak-free. */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader } from '../../scripts/lib/node-tf';
import { ModelLoadError } from '../../src/core/errors';
import type { FaceDetection } from '../../src/core/types';
import { MtcnnDetector } from '../../src/detection';
import { FaceEmbedder } from '../../src/embedding/embedder';
import { FACERES, RESNET34 } from '../../src/embedding/models';
import { datasetsDir, hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

const faceresDir = join(projectRoot, 'public', 'models', 'faceres');
let detector: MtcnnDetector;
let embedder: FaceEmbedder;

beforeAll(async () => {
  await useWasm();
  detector = await loadDetector();
  embedder = await FaceEmbedder.load(FACERES, () => fileAssetReader(faceresDir));
});

afterAll(() => {
  detector?.dispose();
  embedder?.dispose();
});

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, k) => s + v * b[k]!, 0);

async function embedPhoto(frame: tf.Tensor3D): Promise<{ faces: FaceDetection[]; embeddings: Float32Array[] }> {
  const faces = await detector.detectFaces(frame);
  return { faces, embeddings: await embedder.embedFaces(frame, faces) };
}

describe('FaceEmbedder with FaceRes', () => {
  it('gives one unit-length 1,024-d embedding a face, and recognises each face in the mirrored photo', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    const mirrored = tf.reverse(frame, 1);
    const original = await embedPhoto(frame);
    const flipped = await embedPhoto(mirrored);
    tf.dispose([frame, mirrored]);
    expect(original.embeddings).toHaveLength(4);
    for (const e of original.embeddings) {
      expect(e).toHaveLength(1024);
      expect(Math.hypot(...e)).toBeCloseTo(1, 4);
    }
    // Each mirrored face is closest to its own original, and much closer than to the other women.
    for (const [j, e] of flipped.embeddings.entries()) {
      const sims = original.embeddings.map((o) => cosine(o, e));
      const best = sims.indexOf(Math.max(...sims));
      const mirroredCentre = 1920 - (flipped.faces[j]!.box.x + flipped.faces[j]!.box.width / 2);
      const own = original.faces.findIndex((f) => Math.abs(f.box.x + f.box.width / 2 - mirroredCentre) < 40);
      expect(best).toBe(own);
      expect(sims[best]!).toBeGreaterThan(0.8);
      expect(Math.max(...sims.filter((_, i) => i !== best))).toBeLessThan(sims[best]! - 0.2);
    }
  });

  it('leaves no tensor behind, and returns [] for no faces', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample1.file);
    const faces = await detector.detectFaces(frame);
    await embedder.embedFaces(frame, faces);
    const before = tf.memory().numTensors;
    await embedder.embedFaces(frame, faces, { flip: true });
    expect(await embedder.embedFaces(frame, [])).toEqual([]);
    await embedder.warmUp();
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
  });

  it('names a corrupt weight file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faceres-'));
    for (const f of readdirSync(faceresDir)) copyFileSync(join(faceresDir, f), join(dir, f));
    const bin = readFileSync(join(dir, 'faceres.bin'));
    bin[5000] = bin[5000]! ^ 0xff;
    writeFileSync(join(dir, 'faceres.bin'), bin);
    const error = await FaceEmbedder.load(FACERES, () => fileAssetReader(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).file).toBe('faceres.bin');
  });
});

describe.skipIf(!hasDatasets)(`FaceRes on LFW (${hasDatasets ? 'present' : missingDatasetsNote})`, () => {
  it('puts two photos of one person closer than photos of two people', async () => {
    const person = (name: string, i: number): string => {
      const dir = join(datasetsDir, 'lfw', 'known', name);
      return join(dir, readdirSync(dir).sort()[i]!);
    };
    const names = readdirSync(join(datasetsDir, 'lfw', 'known'))
      .sort()
      .slice(0, 3);
    const embedOne = async (file: string): Promise<Float32Array> => {
      const frame = loadImageTensor(file);
      const faces = await detector.detectFaces(frame);
      const [h, w] = frame.shape;
      const central = faces.sort(
        (a, b) =>
          Math.hypot(a.box.x + a.box.width / 2 - w / 2, a.box.y + a.box.height / 2 - h / 2) -
          Math.hypot(b.box.x + b.box.width / 2 - w / 2, b.box.y + b.box.height / 2 - h / 2),
      )[0]!;
      const [e] = await embedder.embedFaces(frame, [central]);
      frame.dispose();
      return e!;
    };
    for (const name of names) {
      const a = await embedOne(person(name, 0));
      const b = await embedOne(person(name, 1));
      const others = await Promise.all(names.filter((n) => n !== name).map((n) => embedOne(person(n, 0))));
      for (const o of others) expect(cosine(a, b)).toBeGreaterThan(cosine(a, o) + 0.1);
    }
  });
});

describe('FaceEmbedder with the dlib ResNet-34', () => {
  it('loads the written-out network from its weights manifest and recognises mirrored faces', async () => {
    const resnet = await FaceEmbedder.load(RESNET34, () =>
      fileAssetReader(join(projectRoot, 'public', 'models', 'resnet34')),
    );
    try {
      const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
      const mirrored = tf.reverse(frame, 1);
      const faces = await detector.detectFaces(frame);
      const flippedFaces = await detector.detectFaces(mirrored);
      const before = tf.memory().numTensors;
      const original = await resnet.embedFaces(frame, faces);
      const flipped = await resnet.embedFaces(mirrored, flippedFaces);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([frame, mirrored]);
      expect(original[0]).toHaveLength(128);
      for (const [j, e] of flipped.entries()) {
        const sims = original.map((o) => cosine(o, e));
        const mirroredCentre = 1920 - (flippedFaces[j]!.box.x + flippedFaces[j]!.box.width / 2);
        const own = faces.findIndex((f) => Math.abs(f.box.x + f.box.width / 2 - mirroredCentre) < 40);
        expect(sims.indexOf(Math.max(...sims))).toBe(own);
      }
    } finally {
      resnet.dispose();
    }
  });
});

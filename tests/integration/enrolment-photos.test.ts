/**
 * Enrolment from photos through the app's own pipeline (detector, landmark refinement, sharpness gate, face
 * image, embedding): ordinary photos are accepted and the same photos smeared by motion are refused, and a
 * phone-sized photo gives the same sample as a smaller copy of it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader } from '../../scripts/lib/node-tf';
import { decodeImageFile, imageToTensor } from '../../scripts/lib/image-file';
import { FaceEmbedder } from '../../src/embedding/embedder';
import { FACERES, MOBILEFACE } from '../../src/embedding/models';
import { DEFAULT_GATE, photoFaces, photoProblem } from '../../src/services/enrolment';
import { FacePipeline } from '../../src/services/face-pipeline';
import { datasetsDir, hasDatasets, missingDatasetsNote, projectRoot } from '../helpers/datasets';
import { loadImageTensor, NPM_PHOTOS, PORTRAIT } from '../helpers/images';
import { motionBlur } from '../helpers/motion-blur';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

const models = join(projectRoot, 'public', 'models');
let light: FacePipeline;
let faceres: FacePipeline;

beforeAll(async () => {
  await useWasm();
  light = new FacePipeline(
    await loadDetector(),
    await FaceEmbedder.load(MOBILEFACE, () => fileAssetReader(join(models, 'mobileface'))),
  );
  faceres = new FacePipeline(
    await loadDetector(),
    await FaceEmbedder.load(FACERES, () => fileAssetReader(join(models, 'faceres'))),
  );
});

afterAll(() => {
  light?.dispose();
  faceres?.dispose();
});

/** What the upload path makes of a photo: the sample's sharpness, or why there is none. */
async function judge(pipeline: FacePipeline, frame: tf.Tensor3D): Promise<{ problem: string; sharpness: number }> {
  const result = await pipeline.capture(frame, photoFaces);
  return { problem: photoProblem('photo', result), sharpness: result.captures[0]?.sharpness ?? 0 };
}

function photosIn(root: string): string[] {
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const p = join(root, name);
      if (statSync(p).isDirectory()) return name.startsWith('_') ? [] : photosIn(p);
      return /\.(jpe?g|png)$/i.test(name) ? [p] : [];
    });
}

describe('the sharpness gate on a photo every clone has', () => {
  it('accepts a sharp portrait and refuses it smeared by a 9 px motion blur', async () => {
    const group = loadImageTensor(NPM_PHOTOS.sample6.file);
    const p = PORTRAIT;
    const frame = tf.slice(group, [p.y, p.x, 0], [p.height, p.width, 3]);
    group.dispose();
    const blurred = motionBlur(frame, 9, 0);
    try {
      const sharp = await judge(light, frame);
      expect(sharp.problem).toBe('');
      expect(sharp.sharpness).toBeGreaterThan(DEFAULT_GATE.minSharpness);
      const smeared = await judge(light, blurred);
      expect(smeared.problem).toMatch(/too blurred/);
    } finally {
      tf.dispose([frame, blurred]);
    }
  });
});

describe.skipIf(!hasDatasets)(
  `the sharpness gate on the shared photos (${hasDatasets ? 'datasets present' : missingDatasetsNote})`,
  () => {
    it('accepts at least 98 % of the photos with one face, and refuses nearly all of them smeared by motion', async () => {
      const files = ['lfw', 'bbt', 'enroll-photos'].flatMap((d) => photosIn(join(datasetsDir, d)));
      let oneFace = 0;
      let accepted = 0;
      let smeared = 0;
      let refused = 0;
      for (const [i, file] of files.entries()) {
        const frame = imageToTensor(decodeImageFile(file));
        try {
          const r = await judge(light, frame);
          if (/faces of about the same size|no face/.test(r.problem)) continue;
          oneFace++;
          if (r.problem === '') accepted++;
          // Every third photo again, smeared along one of three directions in turn.
          if (i % 3 !== 0) continue;
          const blurred = motionBlur(frame, 9, [0, 45, 90][(i / 3) % 3]!);
          try {
            const b = await judge(light, blurred);
            if (/faces of about the same size|no face/.test(b.problem)) continue;
            smeared++;
            if (/too blurred/.test(b.problem)) refused++;
          } finally {
            blurred.dispose();
          }
        } finally {
          frame.dispose();
        }
      }
      console.log(
        `sharpness gate: ${accepted}/${oneFace} one-face photos accepted (${((100 * accepted) / oneFace).toFixed(1)} %), ` +
          `${refused}/${smeared} of them refused with a 9 px motion blur (${((100 * refused) / smeared).toFixed(1)} %)`,
      );
      expect(oneFace).toBeGreaterThan(900);
      expect(accepted / oneFace).toBeGreaterThanOrEqual(0.98);
      expect(refused / smeared).toBeGreaterThanOrEqual(0.95);
    }, 600_000);
  },
);

describe('a large photo is stored as a smaller copy of it would be', () => {
  it('gives the same face image and embedding at 1,600, 3,000, 4,032 × 3,024 and 6,000 px', async () => {
    const group = loadImageTensor(NPM_PHOTOS.sample6.file);
    // The "phone photo": one woman cut from a group photo, scaled up to 6,000 × 4,500; the others are taken
    // down from it.
    const p = PORTRAIT;
    const big = tf.tidy(() =>
      tf.cast(
        tf.image.resizeBilinear(tf.slice(group, [p.y, p.x, 0], [p.height, p.width, 3]), [4500, 6000], true),
        'int32',
      ),
    );
    group.dispose();
    const sizes: [number, number][] = [
      [1600, 1200],
      [3000, 2250],
      [4032, 3024],
      [6000, 4500],
    ];
    const out: { pixels: Uint8ClampedArray; embedding: Float32Array }[] = [];
    for (const [w, h] of sizes) {
      const frame =
        w === 6000
          ? big
          : tf.tidy(() => {
              // Averaged down (as a camera's own downscaling would), then cut to the aspect ratio asked for.
              const x = tf.expandDims<tf.Tensor4D>(tf.cast(big, 'float32'), 0);
              const f = Math.floor(6000 / w);
              const pooled = f >= 2 ? tf.avgPool(x, f, f, 'valid') : x;
              const scaledH = Math.round((big.shape[0] * w) / 6000);
              const resized = tf.image.resizeBilinear(pooled, [scaledH, w], true);
              const top = Math.max(0, Math.floor((scaledH - h) / 2));
              const cut = tf.slice(resized, [0, top, 0, 0], [1, Math.min(h, scaledH), w, 3]);
              return tf.cast(tf.round(tf.squeeze<tf.Tensor3D>(cut, [0])), 'int32');
            });
      try {
        const result = await faceres.capture(frame, photoFaces);
        expect(result.captures).toHaveLength(1);
        out.push({ pixels: result.captures[0]!.pixels, embedding: result.captures[0]!.embedding });
      } finally {
        if (frame !== big) frame.dispose();
      }
    }
    big.dispose();
    const ref = out[0]!;
    for (const [i, o] of out.entries()) {
      let diff = 0;
      for (let k = 0; k < o.pixels.length; k += 4) {
        diff +=
          Math.abs(o.pixels[k]! - ref.pixels[k]!) +
          Math.abs(o.pixels[k + 1]! - ref.pixels[k + 1]!) +
          Math.abs(o.pixels[k + 2]! - ref.pixels[k + 2]!);
      }
      const meanDiff = diff / ((o.pixels.length / 4) * 3);
      const cos = o.embedding.reduce((s, v, k) => s + v * ref.embedding[k]!, 0);
      console.log(
        `${sizes[i]![0]} × ${sizes[i]![1]}: face image mean difference ${meanDiff.toFixed(2)}, cosine ${cos.toFixed(4)}`,
      );
      expect(meanDiff).toBeLessThan(6);
      expect(cos).toBeGreaterThanOrEqual(0.99);
    }
  }, 300_000);
});

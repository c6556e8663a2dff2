/**
 * `npm run -s calibrate:sharpness -- [--datasets ../shared/datasets] [--json]`: measures the enrolment
 * sharpness figure (src/embedding/sharpness.ts) on every photo with a face in the datasets' lfw, bbt and
 * enroll-photos folders, at its own size and taken down to 0.75, 0.5 and 0.35 of it, and on the same photos
 * smeared by a 9 px motion blur (0°, 45°, 90°). Prints the constants that file holds, what they should be
 * from this data, and how many photos pass: a calibration, not a test.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { quantile } from '../src/classifier';
import { MtcnnDetector } from '../src/detection';
import {
  directionalDetail,
  expectedSharpness,
  faceSharpness,
  innerFace,
  MIN_RELATIVE_SHARPNESS,
  SHARP_DETAIL,
} from '../src/embedding/sharpness';
import type { FaceDetection } from '../src/core/types';
import { datasetsDir } from '../tests/helpers/datasets';
import { motionBlur } from '../tests/helpers/motion-blur';
import { decodeImageFile, imageToTensor } from './lib/image-file';
import { fileAssetReader, initNodeBackend, mtcnnModelDir } from './lib/node-tf';

const { values: args } = parseArgs({
  options: { datasets: { type: 'string', default: datasetsDir }, json: { type: 'boolean', default: false } },
});

export function datasetPhotos(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return name.startsWith('_') ? [] : walk(p);
        return /\.(jpe?g|png)$/i.test(name) ? [p] : [];
      });
  return ['lfw', 'bbt', 'enroll-photos'].flatMap((d) => walk(join(root, d)));
}

const largest = (faces: readonly FaceDetection[]): FaceDetection | undefined =>
  [...faces].sort((a, b) => b.box.width - a.box.width)[0];

async function main(): Promise<void> {
  await initNodeBackend('wasm');
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const files = datasetPhotos(args.datasets);
  const perDirection: number[][] = [[], [], [], []];
  const bySize: { d: number; detail: number }[] = [];
  const relative: number[] = [];
  const blurred: Record<string, number[]> = { '0°': [], '45°': [], '90°': [] };
  let n = 0;
  for (const file of files) {
    const frame = imageToTensor(decodeImageFile(file));
    try {
      const face = largest(await detector.detectFaces(frame));
      if (!face) continue;
      n++;
      const { image } = await innerFace(frame, face);
      directionalDetail(image).forEach((v, i) => perDirection[i]!.push(v));
      relative.push((await faceSharpness(frame, face)).relative);
      for (const scale of [1, 0.75, 0.5, 0.35]) {
        const small =
          scale === 1
            ? frame
            : tf.tidy(() => {
                const [h, w] = frame.shape;
                const x = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
                // Area-like reduction: a light blur first, then bilinear.
                const k = tf.tensor4d(
                  [1, 2, 1, 2, 4, 2, 1, 2, 1].flatMap((v) => [v / 16, v / 16, v / 16]),
                  [3, 3, 3, 1],
                );
                const soft = tf.depthwiseConv2d(x, k, 1, 'same');
                return tf.squeeze<tf.Tensor3D>(
                  tf.image.resizeBilinear(soft, [Math.round(h * scale), Math.round(w * scale)], true),
                  [0],
                );
              });
        const scaled = largest(await detector.detectFaces(small));
        if (scaled) {
          const r = await innerFace(small, scaled);
          if (r.image.width > 0)
            bySize.push({
              d: r.eyeDistance,
              detail: Math.min(...directionalDetail(r.image).map((v, i) => v / SHARP_DETAIL[i]!)),
            });
        }
        if (small !== frame) small.dispose();
      }
      for (const [label, angle] of [
        ['0°', 0],
        ['45°', 45],
        ['90°', 90],
      ] as const) {
        const smeared = motionBlur(frame, 9, angle);
        try {
          const f = largest(await detector.detectFaces(smeared));
          blurred[label]!.push(f ? (await faceSharpness(smeared, f)).relative : 0);
        } finally {
          smeared.dispose();
        }
      }
    } finally {
      frame.dispose();
    }
    if (n % 100 === 0) process.stderr.write(`  ${n} faces\n`);
  }
  const medians = perDirection.map((v) => Number(quantile(v, 0.5).toFixed(3)));
  const bins = [10, 14, 18, 22, 26, 30, 36, 42, 48, 60, 1000];
  const sizeRows = bins.slice(0, -1).map((lo, i) => {
    const inBin = bySize.filter((r) => r.d >= lo && r.d < bins[i + 1]!).map((r) => r.detail);
    return {
      eyeDistance: `${lo}–${bins[i + 1]}`,
      faces: inBin.length,
      median: inBin.length ? Number(quantile(inBin, 0.5).toFixed(3)) : null,
      model: Number(expectedSharpness((lo + Math.min(bins[i + 1]!, 70)) / 2).toFixed(3)),
    };
  });
  const accepted = relative.filter((r) => r >= MIN_RELATIVE_SHARPNESS).length / relative.length;
  const result = {
    faces: n,
    sharpDetailNow: SHARP_DETAIL,
    sharpDetailMeasured: medians,
    bySize: sizeRows,
    minRelativeNow: MIN_RELATIVE_SHARPNESS,
    minRelativeFor98: Number(quantile(relative, 0.02).toFixed(3)),
    acceptedNow: Number(accepted.toFixed(4)),
    blurredRefusedNow: Object.fromEntries(
      Object.entries(blurred).map(([k, v]) => [
        k,
        Number((v.filter((r) => r < MIN_RELATIVE_SHARPNESS).length / v.length).toFixed(4)),
      ]),
    ),
  };
  detector.dispose();
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
}

await main();

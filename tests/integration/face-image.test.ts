/**
 * The model-independent face image: cut once at enrolment and stored as a JPEG, it gives every model the
 * embedding that model gets from the photo itself, so changing the model never means enrolling again.
 */
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader } from '../../scripts/lib/node-tf';
import { FaceEmbedder } from '../../src/embedding/embedder';
import { cutFaceImages, FACE_IMAGE_SIZE, faceImageToFrame } from '../../src/embedding/face-image';
import { FACERES, MOBILEFACE, RESNET34, type NetworkDescriptor } from '../../src/embedding/models';
import type { MtcnnDetector } from '../../src/detection';
import { projectRoot } from '../helpers/datasets';
import { loadImageTensor, NPM_PHOTOS } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

let detector: MtcnnDetector;
beforeAll(async () => {
  await useWasm();
  detector = await loadDetector();
});
afterAll(() => detector?.dispose());

/** The face images as a JPEG at quality 90 and back, as IndexedDB keeps them. */
async function throughJpeg(images: tf.Tensor4D, i: number): Promise<tf.Tensor3D> {
  const size = FACE_IMAGE_SIZE;
  const rgb = (await tf.tidy(() => tf.cast(tf.clipByValue(tf.round(images), 0, 255), 'int32')).data()) as Int32Array;
  const rgba = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    rgba.set(
      [rgb[(i * size * size + p) * 3]!, rgb[(i * size * size + p) * 3 + 1]!, rgb[(i * size * size + p) * 3 + 2]!, 255],
      p * 4,
    );
  }
  const encoded = jpeg.encode({ data: rgba, width: size, height: size }, 90);
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: false });
  return tf.tensor3d(Int32Array.from(decoded.data), [size, size, 3], 'int32');
}

describe('the stored face image', () => {
  it('puts the landmarks where the detection says, and refeeds FaceRes, MobileFace and ResNet-34 alike', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    const faces = await detector.refineLandmarks(frame, await detector.detectFaces(frame));
    const { images, detections } = cutFaceImages(frame, faces);
    // The landmarks in the image map back onto the photo's.
    faces.forEach((f, i) =>
      f.landmarks.forEach((p, k) => {
        const back = faceImageToFrame(f, detections[i]!.landmarks[k]!);
        expect(Math.hypot(back.x - p.x, back.y - p.y)).toBeLessThan(0.01);
      }),
    );
    const stored = await Promise.all(faces.map((_, i) => throughJpeg(images, i)));
    images.dispose();
    for (const network of [FACERES, MOBILEFACE, RESNET34] as NetworkDescriptor[]) {
      const embedder = await FaceEmbedder.load(network, (n) =>
        fileAssetReader(join(projectRoot, 'public', 'models', n.folder)),
      );
      try {
        const direct = await embedder.embedFaces(frame, faces);
        for (const [i, image] of stored.entries()) {
          const [again] = await embedder.embedFaces(image, [detections[i]!]);
          const cos = again!.reduce((s, v, k) => s + v * direct[i]![k]!, 0);
          // Measured: 0.989–0.9998 over the three models and four faces.
          const others = direct.filter((_, j) => j !== i).map((o) => again!.reduce((s, v, k) => s + v * o[k]!, 0));
          expect(cos, `${network.id}, face ${i}`).toBeGreaterThan(0.98);
          expect(cos).toBeGreaterThan(Math.max(...others));
        }
      } finally {
        embedder.dispose();
      }
    }
    tf.dispose([frame, ...stored]);
  }, 120_000);
});

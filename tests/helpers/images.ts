import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeImageFile, imageToTensor } from '../../scripts/lib/image-file';
import type * as tfTypes from '@tensorflow/tfjs-core';

/** Demo photos that the npm package @vladmandic/face-api ships: there on every clone after `npm ci`. */
export const npmPhotoDir = join(
  dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')),
  'demo',
);

/** Faces in each shipped photo, counted by eye (sample6: four women side by side; sample1: three). */
export const NPM_PHOTOS = {
  sample6: { file: join(npmPhotoDir, 'sample6.jpg'), faces: 4 },
  sample1: { file: join(npmPhotoDir, 'sample1.jpg'), faces: 3 },
} as const;

/**
 * A one-person photo cut from sample6: the first woman (face 211 px wide at x 259, y 491), 600 × 450 px with
 * no other face in it.
 */
export const PORTRAIT = { x: 65, y: 405, width: 600, height: 450 } as const;

export function loadImageTensor(path: string): tfTypes.Tensor3D {
  return imageToTensor(decodeImageFile(path));
}

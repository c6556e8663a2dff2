/** Loads the face detector from the app's own model files and warms it up. */
import { appBase } from '../core/app-base';
import { httpAssetReader } from '../core/assets';
import { MtcnnDetector, type MtcnnOptions } from '../detection';

export type { MtcnnDetector, MtcnnOptions };

/** Where the built app serves its models: `public/models` under the app's base path. */
export function modelsUrl(sub: string): string {
  return new URL(`models/${sub}/`, appBase()).href;
}

export async function loadFaceDetector(options: MtcnnOptions = {}): Promise<MtcnnDetector> {
  const detector = await MtcnnDetector.load(httpAssetReader(modelsUrl('mtcnn')), options);
  await detector.warmUp();
  return detector;
}

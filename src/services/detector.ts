/** Loads a face detector of the registry from the app's own model files and warms it up. */
import { appBase } from '../core/app-base';
import { httpAssetReader } from '../core/assets';
import { DEFAULT_DETECTOR, detectorEntry, type DetectorId, type FaceDetector, type SharedNets } from '../detection';

/** Where the built app serves its models: `public/models` under the app's base path. */
export function modelsUrl(sub: string): string {
  return new URL(`models/${sub}/`, appBase()).href;
}

export async function loadFaceDetector(id: DetectorId = DEFAULT_DETECTOR, shared?: SharedNets): Promise<FaceDetector> {
  const detector = await detectorEntry(id).load((folder) => httpAssetReader(modelsUrl(folder)), shared);
  await detector.warmUp();
  return detector;
}

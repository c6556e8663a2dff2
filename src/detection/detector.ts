/**
 * What the face pipeline needs of a face detector, and the registry of the detectors the app can load. A
 * detector takes an RGB frame tensor ([height, width, 3], 0..255; the caller keeps it) and answers plain
 * data: boxes in the frame's own pixels, a score, and the five landmarks the alignment uses (eye centres,
 * nose tip, mouth corners). Adding a detector is one class with this shape and one registry entry.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { AssetReader } from '../core/assets';
import type { Box, FaceDetection } from '../core/types';
import { BlazeFaceDetector } from './blazeface';
import { MtcnnDetector } from './mtcnn';

/** Per-call detection options every detector understands. */
export interface DetectOptions {
  /** Smallest face to find, in the (possibly downscaled) frame's pixels. */
  readonly minFaceSize?: number;
  /** Longer side the frame is taken down to before detection (0: never); boxes still come in frame pixels. */
  readonly maxInputSize?: number;
}

export interface FaceDetector {
  /** Its registry id (a detector under measurement may have another name). */
  readonly id: string;
  /** The faces in the frame, the most probable first; [] for none. */
  detectFaces(frame: tf.Tensor3D, options?: DetectOptions): Promise<FaceDetection[]>;
  /** The same faces with steadier landmarks (enrolment crops); boxes and scores unchanged. */
  refineLandmarks(frame: tf.Tensor3D, faces: readonly FaceDetection[]): Promise<FaceDetection[]>;
  /**
   * Follows faces of an earlier frame without a full detection: each box's face in this frame, or null
   * where there is none any more (live tracking).
   */
  refreshFaces(frame: tf.Tensor3D, boxes: readonly Box[]): Promise<(FaceDetection | null)[]>;
  /** Runs once on a blank frame, so that WebGL compiles its shaders before the first real frame. */
  warmUp(width?: number, height?: number): Promise<void>;
  /** Frees the weights; the detector cannot be used afterwards. */
  dispose(): void;
}

/** What a detector may borrow from the engine instead of loading it again. */
export interface SharedNets {
  /** The engine's MTCNN (its O-Net serves BlazeFace); the borrower does not dispose it. */
  readonly mtcnn?: MtcnnDetector;
}

export interface DetectorEntry {
  readonly id: DetectorId;
  /**
   * Loads it from its files under `public/models`, each folder through `read(folder)`; a missing or corrupt
   * file is a `ModelLoadError` naming it.
   */
  load(read: (folder: string) => AssetReader, shared?: SharedNets): Promise<FaceDetector>;
}

/** The detectors the app ships (`npm run bench:detectors` measures the others that were tried). */
export type DetectorId = 'mtcnn' | 'blazeface';

export const DETECTORS: Readonly<Record<DetectorId, DetectorEntry>> = {
  mtcnn: { id: 'mtcnn', load: (read) => MtcnnDetector.load(read('mtcnn')) },
  blazeface: {
    id: 'blazeface',
    load: async (read, shared) =>
      BlazeFaceDetector.load(read('blazeface'), {
        onet: shared?.mtcnn ?? (await MtcnnDetector.load(read('mtcnn'))),
        ownsOnet: !shared?.mtcnn,
      }),
  },
};

/** Photos and enrolment frames: MTCNN, the most thorough (time matters less there). */
export const DEFAULT_DETECTOR: DetectorId = 'mtcnn';

/**
 * Live frames: BlazeFace with O-Net, which finds a classroom's faces in about half of MTCNN's time
 * (`npm run bench:detectors`; end to end, see `npm run bench:classroom -- --pipelines tracked,tracked@blazeface`).
 */
export const DEFAULT_LIVE_DETECTOR: DetectorId = 'blazeface';

/** The registry entry for `id`; a `RangeError` naming the known ones for anything else. */
export function detectorEntry(id: string): DetectorEntry {
  const entry = Object.hasOwn(DETECTORS, id) ? DETECTORS[id as DetectorId] : undefined;
  if (!entry) throw new RangeError(`No face detector "${id}"; known: ${Object.keys(DETECTORS).join(', ')}.`);
  return entry;
}

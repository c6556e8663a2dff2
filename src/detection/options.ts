/** Options of the MTCNN detector. Every field is optional; the defaults are those of the original system. */
export interface MtcnnOptions {
  /** Smallest face to find, in pixels of the (possibly downscaled) frame. Defaults to 20. */
  readonly minFaceSize?: number;
  /** Ratio between two pyramid levels. Defaults to 0.709. */
  readonly scaleFactor?: number;
  /** Face-probability thresholds of P-Net, R-Net and O-Net. Defaults to [0.6, 0.7, 0.7]. */
  readonly thresholds?: readonly [number, number, number];
  /** At most this many faces are returned, the most probable first. Defaults to 100. */
  readonly maxFaces?: number;
  /**
   * Frames whose longer side is larger than this are downscaled to it before the pyramid, which bounds the
   * time a 4000 px photo takes; boxes and landmarks are still given in the frame's own pixels. 0 turns the
   * downscaling off. Defaults to 1280.
   */
  readonly maxInputSize?: number;
}

export type ResolvedMtcnnOptions = Required<MtcnnOptions>;

export const DEFAULT_MTCNN_OPTIONS: ResolvedMtcnnOptions = Object.freeze({
  minFaceSize: 20,
  scaleFactor: 0.709,
  thresholds: [0.6, 0.7, 0.7] as const,
  maxFaces: 100,
  maxInputSize: 1280,
});

/** Fills in defaults and rejects values that cannot work, with a message that says what to pass instead. */
export function resolveMtcnnOptions(options: MtcnnOptions = {}): ResolvedMtcnnOptions {
  const resolved = { ...DEFAULT_MTCNN_OPTIONS, ...stripUndefined(options) };
  const { minFaceSize, scaleFactor, thresholds, maxFaces, maxInputSize } = resolved;
  if (!(minFaceSize >= 12)) {
    throw new RangeError(`minFaceSize must be at least 12 (P-Net's cell size); got ${minFaceSize}.`);
  }
  if (!(scaleFactor > 0.1 && scaleFactor < 1)) {
    throw new RangeError(`scaleFactor must be between 0.1 and 1 (0.709 is usual); got ${scaleFactor}.`);
  }
  if (thresholds.length !== 3 || thresholds.some((t) => !(t >= 0 && t <= 1))) {
    throw new RangeError(`thresholds must be three probabilities in 0..1; got [${thresholds.join(', ')}].`);
  }
  if (!(maxFaces >= 1)) throw new RangeError(`maxFaces must be at least 1; got ${maxFaces}.`);
  if (!(maxInputSize === 0 || maxInputSize >= 48)) {
    throw new RangeError(`maxInputSize must be 0 (off) or at least 48 pixels; got ${maxInputSize}.`);
  }
  return resolved;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

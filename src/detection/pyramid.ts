/** P-Net sees the frame at several scales; this picks them as the original MTCNN did. */

/** P-Net's receptive field: it finds faces of 12 px at scale 1. */
export const PNET_CELL_SIZE = 12;
/** P-Net's output stride in input pixels. */
export const PNET_STRIDE = 2;

export interface PyramidLevel {
  readonly scale: number;
  readonly height: number;
  readonly width: number;
}

/**
 * The scales m·f^k, m = 12 / minFaceSize, for as long as the shorter side at that scale is still at least
 * 12 px; each level's size is rounded up, as the original did (`ceil(h * scale)`).
 */
export function computePyramid(
  height: number,
  width: number,
  minFaceSize: number,
  scaleFactor: number,
): PyramidLevel[] {
  const m = PNET_CELL_SIZE / minFaceSize;
  const levels: PyramidLevel[] = [];
  let shorter = Math.min(height, width) * m;
  let scale = m;
  while (shorter >= PNET_CELL_SIZE) {
    levels.push({ scale, height: Math.ceil(height * scale), width: Math.ceil(width * scale) });
    shorter *= scaleFactor;
    scale *= scaleFactor;
  }
  return levels;
}

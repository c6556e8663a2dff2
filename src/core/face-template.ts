/** The five-point face template that aligned crops are cut to. */
import type { Point } from './types';

/**
 * The five-point template of ArcFace-style crops (left eye, right eye, nose, mouth corners) in a 112×112
 * image, the usual reference for 5-point alignment.
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/**
 * The template in a `size`×`size` crop, zoomed about the centre by `zoom` (below 1 leaves more of the head
 * and background in view, as looser crops such as VGGFace2's do).
 */
export function scaledTemplate(size: number, zoom: number): Point[] {
  const s = size / 112;
  const c = size / 2;
  return ARCFACE_TEMPLATE_112.map((p) => ({ x: c + (p.x * s - c) * zoom, y: c + (p.y * s - c) * zoom }));
}

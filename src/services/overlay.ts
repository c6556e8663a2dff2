/** Draws face boxes and the five landmarks over the video, in the video's own pixels. */
import type { Box, FaceDetection } from '../core/types';
import { layoutTags } from './tag-layout';

/** The canvas sized to the frame and cleared, or null where it cannot draw. */
function blankCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx?.clearRect(0, 0, width, height);
  return ctx;
}

/** Wipes the overlay (when the camera stops). */
export function clearOverlay(canvas: HTMLCanvasElement | undefined): void {
  canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

export function drawDetections(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  faces: readonly FaceDetection[],
): void {
  const ctx = blankCanvas(canvas, width, height);
  if (!ctx) return;
  const line = Math.max(2, Math.round(width / 320));
  for (const face of faces) {
    const { x, y, width: w, height: h } = face.box;
    ctx.lineWidth = line;
    ctx.strokeStyle = '#22c55e';
    ctx.strokeRect(x, y, w, h);
    ctx.fillStyle = '#f59e0b';
    for (const p of face.landmarks) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, line * 1.5, 0, Math.PI * 2);
      ctx.fill();
    }
    const label = `${Math.round(face.score * 100)}%`;
    ctx.font = `${Math.max(12, Math.round(width / 45))}px system-ui, sans-serif`;
    const tw = ctx.measureText(label).width + 8;
    const th = Math.max(16, Math.round(width / 32));
    ctx.fillStyle = 'rgba(21, 128, 61, 0.85)';
    ctx.fillRect(x - line / 2, y - th, tw, th);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, x + 4 - line / 2, y - th * 0.28);
  }
}

/** How a tracked face is drawn: by what the app made of it. */
export type FaceTone = 'student' | 'marked' | 'maybe' | 'unknown' | 'pending';

export interface OverlayFace {
  readonly box: Box;
  readonly tone: FaceTone;
  /** The tag's text: a short name, "Name?" for a maybe, "?" for nobody enrolled. */
  readonly tag: string;
}

const TONES: Readonly<Record<FaceTone, { stroke: string; fill: string; text: string; alpha: number; dash: number[] }>> =
  {
    student: { stroke: '#16a34a', fill: 'rgba(21, 128, 61, 0.9)', text: '#fff', alpha: 1, dash: [] },
    // Marked before this face's track began: quieter, so the eye goes to those still to be marked.
    marked: { stroke: '#16a34a', fill: 'rgba(21, 128, 61, 0.55)', text: '#fff', alpha: 0.55, dash: [] },
    maybe: { stroke: '#f59e0b', fill: 'rgba(180, 83, 9, 0.92)', text: '#fff', alpha: 1, dash: [6, 4] },
    unknown: { stroke: '#cbd5e1', fill: 'rgba(51, 65, 85, 0.8)', text: '#fff', alpha: 0.8, dash: [3, 3] },
    pending: { stroke: '#93c5fd', fill: 'rgba(30, 64, 175, 0.75)', text: '#fff', alpha: 0.8, dash: [2, 3] },
  };

/**
 * Boxes and compact tags over the video, placed so that no tag covers another (see `layoutTags`); students
 * marked already are drawn quieter than faces still to be decided. Returns where each tag went, in frame
 * pixels (the screen reader's list of faces carries the details).
 */
export function drawTrackedFaces(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  faces: readonly OverlayFace[],
): Box[] {
  const ctx = blankCanvas(canvas, width, height);
  if (!ctx) return [];
  const line = Math.max(1.5, width / 640);
  const size = Math.max(11, Math.round(width / 90));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  const pad = Math.round(size * 0.35);
  const tags = layoutTags(
    faces.map((f) => ({ box: f.box, width: ctx.measureText(f.tag).width + 2 * pad, height: size + 2 * pad })),
    width,
    height,
  );
  faces.forEach((f, i) => {
    const tone = TONES[f.tone];
    const { x, y, width: w, height: h } = f.box;
    ctx.globalAlpha = tone.alpha;
    ctx.lineWidth = f.tone === 'marked' || f.tone === 'unknown' ? line : line * 1.6;
    ctx.setLineDash(tone.dash);
    ctx.strokeStyle = tone.stroke;
    ctx.strokeRect(x, y, w, h);
    ctx.setLineDash([]);
    const t = tags[i]!;
    ctx.fillStyle = tone.fill;
    ctx.fillRect(t.x, t.y, t.width, t.height);
    ctx.fillStyle = tone.text;
    ctx.fillText(f.tag, t.x + pad, t.y + pad + size * 0.82);
  });
  ctx.globalAlpha = 1;
  return tags;
}

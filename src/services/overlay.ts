/** Draws face boxes and the five landmarks over the video, in the video's own pixels. */
import type { FaceDetection } from '../core/types';

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

export interface LabelledFace {
  readonly face: FaceDetection;
  /** Lines of text above the box, the first in bold. */
  readonly lines: readonly string[];
  readonly known: boolean;
}

/** Boxes with the student's details (as the original's overlay had), green for students, amber for "Unknown". */
export function drawLabelledFaces(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  faces: readonly LabelledFace[],
): void {
  const ctx = blankCanvas(canvas, width, height);
  if (!ctx) return;
  const line = Math.max(2, Math.round(width / 320));
  const size = Math.max(12, Math.round(width / 52));
  for (const { face, lines, known } of faces) {
    const { x, y, width: w, height: h } = face.box;
    const colour = known ? '#16a34a' : '#f59e0b';
    ctx.lineWidth = line;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);
    const lh = Math.round(size * 1.3);
    const boxW = Math.max(
      w,
      ...lines.map((t, i) => {
        ctx.font = `${i === 0 ? 700 : 500} ${size}px system-ui, sans-serif`;
        return ctx.measureText(t).width + 10;
      }),
    );
    const boxH = lines.length * lh + 6;
    // Above the face where there is room, else below it.
    const top = y - boxH >= 0 ? y - boxH : Math.min(height - boxH, y + h);
    ctx.fillStyle = known ? 'rgba(21, 128, 61, 0.88)' : 'rgba(180, 83, 9, 0.88)';
    ctx.fillRect(x - line / 2, top, boxW, boxH);
    ctx.fillStyle = '#fff';
    lines.forEach((t, i) => {
      ctx.font = `${i === 0 ? 700 : 500} ${size}px system-ui, sans-serif`;
      ctx.fillText(t, x + 5 - line / 2, top + 3 + (i + 1) * lh - lh * 0.28);
    });
  }
}

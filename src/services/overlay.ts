/** Draws face boxes and the five landmarks over the video, in the video's own pixels. */
import type { FaceDetection } from '../core/types';

export function drawDetections(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  faces: readonly FaceDetection[],
): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
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

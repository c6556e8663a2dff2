/** Test page: a classroom frame, its faces found by the app's engine, and the live overlay drawn over them. */
import type { Box } from '../../../src/core/types';
import { FACERES } from '../../../src/embedding/models';
import { pageAppBase } from '../../../src/core/app-base';
import { startFaceEngine } from '../../../src/services/face-engine';
import { drawTrackedFaces, type FaceTone } from '../../../src/services/overlay';

/** Draws tags for every face found in the image at `url`: names given in turn, tones cycling as a class would. */
async function drawClassroom(url: string, names: string[]): Promise<{ faces: number; tags: Box[] }> {
  const img = document.getElementById('frame') as HTMLImageElement;
  img.src = url;
  await img.decode();
  const engine = await startFaceEngine({ preference: 'wasm', model: FACERES, baseUrl: pageAppBase() });
  const analysis = await engine.detect(await createImageBitmap(img));
  const tones: FaceTone[] = ['student', 'student', 'marked', 'maybe', 'student', 'unknown', 'marked', 'pending'];
  const faces = analysis.faces.map((detection, i) => {
    const tone = tones[i % tones.length]!;
    const name = names[i % names.length]!;
    return {
      box: detection.box,
      tone,
      tag: tone === 'unknown' ? '?' : tone === 'pending' ? '…' : tone === 'maybe' ? `${name}?` : name,
    };
  });
  const canvas = document.getElementById('overlay') as HTMLCanvasElement;
  const tags = drawTrackedFaces(canvas, analysis.width, analysis.height, faces);
  engine.dispose();
  return { faces: faces.length, tags };
}

Object.assign(window, { drawClassroom });
document.getElementById('status')!.textContent = 'ready';

/** Test page: the app's face engine on photos the test serves, as the Enrolment screen's upload uses it. */
import { photoFaces } from '../../../src/services/enrolment';
import { embeddingModelById } from '../../../src/embedding/models';
import { FaceEngine } from '../../../src/services/face-engine';

let engine: FaceEngine | null = null;

/** A photo through the engine as an upload: the stored face image's pixels (RGBA) and the embedding. */
async function capturePhoto(url: string, backend: 'wasm' | 'webgl' | 'cpu', modelId: string) {
  engine ??= await FaceEngine.start(backend, embeddingModelById(modelId));
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  try {
    const result = await engine.capture(bitmap, photoFaces);
    const c = result.captures[0];
    if (!c) return { faces: result.faces.map((f) => f.box), width: result.width, height: result.height } as never;
    const img = await createImageBitmap(c.image);
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    return {
      width: result.width,
      height: result.height,
      pixels: Array.from(ctx.getImageData(0, 0, img.width, img.height).data),
      embedding: Array.from(c.embedding),
      backend: engine.backend,
    };
  } finally {
    bitmap.close();
  }
}

Object.assign(window, { capturePhoto });
document.getElementById('status')!.textContent = 'ready';

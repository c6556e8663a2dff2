/** The browser half of `npm run bench:classifier -- --browser`: training in the app's Web Worker, timed. */
import { trainInWorker } from '../../src/services/training';

let chunks: Uint8Array[] = [];

/** Receives the embeddings (raw float32 bytes) a base64 chunk at a time. */
function appendChunk(b64: string): void {
  chunks.push(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

async function trainTimed(labels: string[], dimension: number): Promise<number> {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  chunks = [];
  const all = new Float32Array(bytes.buffer);
  const samples = labels.map((label, i) => ({ label, embedding: all.slice(i * dimension, (i + 1) * dimension) }));
  const started = performance.now();
  await trainInWorker(samples, { modelId: 'bench' });
  return performance.now() - started;
}

Object.assign(window, { appendChunk, trainTimed });
document.getElementById('status')!.textContent = 'ready';

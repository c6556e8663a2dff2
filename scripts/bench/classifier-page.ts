/** The browser half of `npm run bench:classifier -- --browser`: training in the app's Web Worker, timed. */
import { trainInWorker } from '../../src/services/training';

async function trainTimed(labels: string[], flat: number[], dimension: number): Promise<number> {
  const samples = labels.map((label, i) => ({
    label,
    embedding: Float32Array.from(flat.slice(i * dimension, (i + 1) * dimension)),
  }));
  const started = performance.now();
  await trainInWorker(samples, { modelId: 'bench' });
  return performance.now() - started;
}

Object.assign(window, { trainTimed });
document.getElementById('status')!.textContent = 'ready';

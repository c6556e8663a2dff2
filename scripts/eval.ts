/**
 * `npm run -s eval -- --dataset <dir> [--unknown <dir>] [--gallery 5] [--model faceres] [--backend wasm|cpu]
 *  [--flip] [--zoom Z] [--json] [--dump embeddings.json]`
 *
 * Accuracy of the whole recognition pipeline (MTCNN → alignment → embedding → classifier) on an
 * identity-folder dataset (`<dir>/<Identity>/<image>`): per identity the first N images by name enrol and
 * the rest are probes (identities with N images or fewer only enrol); `--unknown` holds strangers who must
 * come out "Unknown". With --json, stdout holds one JSON object and nothing else.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { predict, quantile, trainClassifier, type TrainingSample } from '../src/classifier/classifier';
import type { FaceDetection } from '../src/core/types';
import { MtcnnDetector } from '../src/detection';
import { FaceEmbedder } from '../src/embedding/embedder';
import { embeddingModelById } from '../src/embedding/models';
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
    json: { type: 'boolean', default: false },
    dump: { type: 'string' },
    zoom: { type: 'string' },
  },
});
if (!args.dataset) {
  process.stderr.write(
    'usage: npm run -s eval -- --dataset <dir> [--unknown <dir>] [--gallery 5] [--model faceres] [--backend wasm|cpu] [--flip] [--json]\n',
  );
  process.exit(2);
}
if (args.backend !== 'wasm' && args.backend !== 'cpu') {
  process.stderr.write(`eval: --backend must be wasm or cpu; got "${args.backend}"\n`);
  process.exit(2);
}
const galleryN = Number(args.gallery);
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

async function main(): Promise<void> {
  const console_log = console.log;
  if (args.json) console.log = (...a: unknown[]) => console.error(...a);
  await initNodeBackend(args.backend as 'wasm' | 'cpu');
  const base = embeddingModelById(args.model);
  // --zoom tries another crop for an aligned model (the template's zoom about the centre).
  const descriptor =
    args.zoom !== undefined && base.crop.method === 'aligned'
      ? { ...base, crop: { method: 'aligned' as const, zoom: Number(args.zoom) } }
      : base;
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const embedder = await FaceEmbedder.load(
    descriptor,
    fileAssetReader(join(projectRoot, 'public', 'models', descriptor.folder)),
  );
  console.log = console_log;

  const items = [
    ...listIdentities(args.dataset!, (i, n) => (i < galleryN || n <= galleryN ? 'gallery' : 'probe')),
    ...(args.unknown ? listIdentities(args.unknown, () => 'unknown') : []),
  ];
  const msDetect: number[] = [];
  const msEmbed: number[] = [];
  const embedded: { item: Item; embedding: Float32Array }[] = [];
  let done = 0;
  for (const item of items) {
    const image = decodeImageFile(item.file);
    const frame = imageToTensor(image);
    try {
      let t = performance.now();
      const face = centralFace(await detector.detectFaces(frame), image.width, image.height);
      msDetect.push(performance.now() - t);
      if (!face) continue;
      t = performance.now();
      const [embedding] = await embedder.embedFaces(frame, [face], { flip: args.flip });
      msEmbed.push(performance.now() - t);
      embedded.push({ item, embedding: embedding! });
    } finally {
      frame.dispose();
    }
    if (++done % 100 === 0) log(`  ${done}/${items.length} images`);
  }

  if (args.dump) {
    const rows = embedded.map((e) => ({ ...e.item, embedding: Array.from(e.embedding, (v) => Number(v.toFixed(6))) }));
    writeFileSync(args.dump, JSON.stringify(rows));
  }
  const gallery: TrainingSample[] = embedded
    .filter((e) => e.item.role === 'gallery')
    .map((e) => ({ label: e.item.identity, embedding: e.embedding }));
  const t = performance.now();
  const classifier = trainClassifier(gallery, { modelId: descriptor.id });
  const trainMs = performance.now() - t;

  const known = embedded.filter((e) => e.item.role === 'probe');
  const unknown = embedded.filter((e) => e.item.role === 'unknown');
  const knownP = known.map((e) => ({ truth: e.item.identity, p: predict(classifier, e.embedding, descriptor.id) }));
  const unknownP = unknown.map((e) => predict(classifier, e.embedding, descriptor.id));
  const top1 = knownP.filter((k) => k.p.nearest === k.truth).length / Math.max(known.length, 1);

  // Open set: a probe counts when identified correctly and its match score passes the threshold.
  const unknownScores = unknownP.map((p) => p.score);
  const dirAt = (far: number): number | null => {
    if (unknownScores.length === 0) return null;
    const threshold = quantile(unknownScores, 1 - far);
    return knownP.filter((k) => k.p.nearest === k.truth && k.p.score > threshold).length / Math.max(known.length, 1);
  };
  const tprAtDefault = knownP.filter((k) => k.p.label === k.truth).length / Math.max(known.length, 1);
  const farAtDefault = unknownP.length ? unknownP.filter((p) => p.label !== null).length / unknownP.length : null;

  // Nearest class centre, for comparison with the SVM.
  const centroidTop1 =
    knownP.length === 0
      ? 0
      : known.filter((e) => {
          let best = -Infinity;
          let arg = '';
          classifier.centroids.forEach((c, i) => {
            let s = 0;
            for (let k = 0; k < c.length; k++) s += c[k]! * e.embedding[k]!;
            if (s > best) {
              best = s;
              arg = classifier.classes[i]!;
            }
          });
          return arg === e.item.identity;
        }).length / known.length;

  const round = (v: number | null, n = 4): number | null => (v === null ? null : Number(v.toFixed(n)));
  const result = {
    model: descriptor.id,
    backend: tf.getBackend(),
    flip: args.flip,
    crop: descriptor.crop,
    images: items.length,
    faces_detected: embedded.length,
    identities: classifier.classes.length,
    gallery_samples: gallery.length,
    known_probes: known.length,
    unknown_probes: unknown.length,
    top1: round(top1),
    top1_nearest_centroid: round(centroidTop1),
    dir_at_far1: round(dirAt(0.01)),
    dir_at_far5: round(dirAt(0.05)),
    default_threshold: round(classifier.threshold),
    tpr_at_default: round(tprAtDefault),
    far_at_default: round(farAtDefault),
    svm_cost: classifier.cost,
    ms_detect_median: round(median(msDetect), 1),
    ms_embed_median: round(median(msEmbed), 1),
    train_ms: round(trainMs, 1),
  };
  detector.dispose();
  embedder.dispose();
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    for (const [k, v] of Object.entries(result))
      log(`${k.padEnd(22)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
}

await main();

/**
 * `npm run bench:classifier`: training time and accuracy of the classifier against the number of students
 * (20 samples each), on real FaceRes embeddings of LFW (from `npm run eval -- --dump`) where given, and on
 * synthetic students beyond that; where Debian's python3-sklearn is installed, scikit-learn's LinearSVC on
 * the same data beside it. A script that prints figures, not a test.
 *
 *   npm run bench:classifier -- [--embeddings lfw-embeddings.json] [--students 10,100] [--samples 20] [--browser]
 *     [--sklearn-grid-max 200] [--no-sklearn]
 *
 * With --browser, the same training is also timed in headless Chromium, in the app's Web Worker. The
 * scikit-learn grid search runs up to --sklearn-grid-max students (past that it takes hours here).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { predict, trainClassifier, type TrainingSample } from '../src/classifier';
import { seededRandom } from '../src/classifier/random';

const { values: args } = parseArgs({
  options: {
    embeddings: { type: 'string' },
    students: { type: 'string', default: '10,100' },
    samples: { type: 'string', default: '20' },
    browser: { type: 'boolean', default: false },
    'sklearn-grid-max': { type: 'string', default: '200' },
    'no-sklearn': { type: 'boolean', default: false },
  },
});
const perStudent = Number(args.samples);
const dimension = 1024;
const random = seededRandom(42);

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function randomUnit(): Float32Array {
  return unit(Float32Array.from({ length: dimension }, () => random() * 2 - 1));
}

function mix(a: Float32Array, wa: number, b: Float32Array, wb: number): Float32Array {
  return unit(a.map((v, k) => v * wa + b[k]! * wb));
}

/**
 * A synthetic student shaped like real FaceRes data of LFW: the centres share a common "face" direction
 * (cosine 0.75 to it, so about 0.55 between two students) and samples lie at cosine about 0.84 to their
 * centre, the figures measured on the LFW embeddings.
 */
function syntheticStudent(name: string, count: number, common: Float32Array): TrainingSample[] {
  const centre = mix(common, 0.75, randomUnit(), Math.sqrt(1 - 0.75 ** 2));
  return Array.from({ length: count }, () => ({
    label: name,
    embedding: mix(centre, 0.84, randomUnit(), Math.sqrt(1 - 0.84 ** 2)),
  }));
}

function realStudents(): Map<string, Float32Array[]> {
  const byId = new Map<string, Float32Array[]>();
  if (!args.embeddings) return byId;
  const rows = JSON.parse(readFileSync(args.embeddings, 'utf8')) as {
    identity: string;
    role: string;
    embedding: number[];
  }[];
  for (const r of rows) {
    if (r.role === 'unknown') continue;
    const list = byId.get(r.identity) ?? [];
    list.push(Float32Array.from(r.embedding));
    byId.set(r.identity, list);
  }
  return byId;
}

/** scikit-learn on the same split: one LinearSVC fit at our chosen C, and a 3-fold grid search like ours. */
const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.svm import LinearSVC
from sklearn.model_selection import GridSearchCV, StratifiedKFold
d = json.load(open(sys.argv[1] + '.json'))
X, y = np.fromfile(sys.argv[1] + '.train', dtype=np.float32).reshape(-1, d['dim']), np.array(d['ytrain'])
Xt, yt = np.fromfile(sys.argv[1] + '.test', dtype=np.float32).reshape(-1, d['dim']), np.array(d['ytest'])
t = time.perf_counter(); m = LinearSVC(C=d['C'], max_iter=5000).fit(X, y); fit = (time.perf_counter() - t) * 1000
out = {'fit_ms': fit, 'acc': float((m.predict(Xt) == yt).mean())}
if d['grid']:
    t = time.perf_counter()
    g = GridSearchCV(LinearSVC(max_iter=5000), {'C': [0.1, 1, 10]}, cv=StratifiedKFold(3, shuffle=True, random_state=1)).fit(X, y)
    out.update(grid_ms=(time.perf_counter() - t) * 1000, grid_acc=float((g.predict(Xt) == yt).mean()))
print(json.dumps(out))
`;
const PYTHON = '/usr/bin/python3';
const hasSklearn = !args['no-sklearn'] && spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'bench-classifier-'));
writeFileSync(join(work, 'sk.py'), SKLEARN);

/** The embeddings one after the other, as raw float32 bytes. */
function packed(samples: readonly TrainingSample[]): Buffer {
  const all = new Float32Array(samples.length * dimension);
  samples.forEach((s, i) => all.set(s.embedding, i * dimension));
  return Buffer.from(all.buffer);
}

function sklearn(
  train: TrainingSample[],
  test: TrainingSample[],
  C: number,
  grid: boolean,
): Record<string, number> | null {
  if (!hasSklearn) return null;
  const data = join(work, 'data');
  writeFileSync(`${data}.train`, packed(train));
  writeFileSync(`${data}.test`, packed(test));
  writeFileSync(
    `${data}.json`,
    JSON.stringify({ C, grid, dim: dimension, ytrain: train.map((t) => t.label), ytest: test.map((t) => t.label) }),
  );
  const r = spawnSync(PYTHON, [join(work, 'sk.py'), data], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number>) : null;
}

/** Times `trainInWorker` in headless Chromium on the same samples; null without --browser. */
async function openBrowserBench(): Promise<{
  time(train: TrainingSample[]): Promise<number>;
  close(): Promise<void>;
} | null> {
  if (!args.browser) return null;
  const { launchChromium, openReadyPage, serveProjectPages } = await import('../tests/helpers/chromium');
  const pages = await serveProjectPages();
  const context = await launchChromium();
  const page = await context.newPage();
  await openReadyPage(page, pages.url('/scripts/bench/classifier-page.html'));
  return {
    time: async (train) => {
      // 1,000 students are 80 MB of embeddings: they go over in base64 chunks.
      const bytes = packed(train);
      const chunk = 8 << 20;
      for (let at = 0; at < bytes.length; at += chunk) {
        const part = bytes.subarray(at, at + chunk).toString('base64');
        await page.evaluate((b64) => (window as unknown as { appendChunk(b: string): void }).appendChunk(b64), part);
      }
      return page.evaluate(
        ([labels, d]) =>
          (window as unknown as { trainTimed(l: string[], d: number): Promise<number> }).trainTimed(labels, d),
        [train.map((t) => t.label), dimension] as const,
      );
    },
    close: async () => {
      await context.close();
      await pages.close();
    },
  };
}

const real = realStudents();
const allReal = [...real.values()].flat();
const common = allReal.length
  ? unit(Float32Array.from({ length: dimension }, (_, k) => allReal.reduce((sum, e) => sum + e[k]!, 0)))
  : randomUnit();
const browser = await openBrowserBench();
console.log(
  '| students | samples each | real students | ours: train ms (CV + Platt + fit) | ours in a Chromium worker: ms | ours: top-1 |' +
    ' sklearn LinearSVC: fit ms at our C | top-1 | sklearn 3-fold grid: ms | top-1 |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
if (!hasSklearn)
  console.error('(python3-sklearn is not installed: apt-get install -y python3-sklearn for the comparison)');
for (const students of args.students.split(',').map(Number)) {
  const train: TrainingSample[] = [];
  const test: TrainingSample[] = [];
  let realUsed = 0;
  for (const [id, list] of real) {
    if (realUsed >= students || list.length < 4) continue;
    realUsed++;
    // Real people have fewer photos: half for training (up to `perStudent`), the rest held out.
    const cut = Math.min(perStudent, Math.ceil(list.length / 2));
    list.slice(0, cut).forEach((embedding) => train.push({ label: id, embedding }));
    list.slice(cut).forEach((embedding) => test.push({ label: id, embedding }));
  }
  for (let s = realUsed; s < students; s++) {
    const all = syntheticStudent(`synthetic-${s}`, perStudent + 5, common);
    train.push(...all.slice(0, perStudent));
    test.push(...all.slice(perStudent));
  }
  const started = performance.now();
  const model = trainClassifier(train, { modelId: 'bench' });
  const ms = performance.now() - started;
  const correct = test.filter((t) => predict(model, t.embedding).nearest === t.label).length;
  console.error(
    `${students} students: Node ${ms.toFixed(0)} ms, top-1 ${(correct / test.length).toFixed(3)}, C ${model.cost}`,
  );
  const sk = sklearn(train, test, model.cost, students <= Number(args['sklearn-grid-max']));
  if (sk) console.error(`${students} students: scikit-learn ${JSON.stringify(sk)}`);
  const inWorker = browser ? (await browser.time(train)).toFixed(0) : '–';
  if (browser) console.error(`${students} students: Chromium worker ${inWorker} ms`);
  const skCells = sk
    ? `${sk.fit_ms!.toFixed(0)} | ${sk.acc!.toFixed(3)} | ${sk.grid_ms?.toFixed(0) ?? '–'} | ${sk.grid_acc?.toFixed(3) ?? '–'}`
    : '– | – | – | –';
  console.log(
    `| ${students} | ${perStudent} | ${realUsed} | ${ms.toFixed(0)} | ${inWorker} | ${(correct / test.length).toFixed(3)} | ${skCells} |`,
  );
}
await browser?.close();

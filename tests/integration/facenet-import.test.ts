/**
 * The FaceNet import path, with a stand-in graph model of FaceNet's signature built here (inputs `input`
 * N×160×160×3 and `phase_train`, output `embeddings`, 512-d): the real weights cannot be downloaded.
 * The stand-in's output is zero unless `phase_train` is fed false, so the test also proves that.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader } from '../../scripts/lib/node-tf';
import { ModelLoadError } from '../../src/core/errors';
import { FaceEmbedder, marginCrops } from '../../src/embedding/embedder';
import { FACENET } from '../../src/embedding/models';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, tf, useWasm } from '../helpers/tf-node';

const float = { type: 'DT_FLOAT' };
const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });

/** Writes a FaceNet-shaped graph model: embeddings = mean over pixels · W · (1 − phase_train). */
function writeStandIn(dir: string): void {
  const w = Float32Array.from({ length: 3 * 512 }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const weights = [
    { name: 'W', shape: [3, 512], dtype: 'float32', data: w },
    { name: 'axes', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) },
    { name: 'one', shape: [], dtype: 'float32', data: Float32Array.from([1]) },
  ];
  const node = (name: string, op: string, input: string[], attr: object) => ({ name, op, input, attr });
  const json = {
    format: 'graph-model',
    generatedBy: 'stand-in',
    convertedBy: 'face-attendance tests',
    modelTopology: {
      node: [
        node('input', 'Placeholder', [], { dtype: float, shape: { shape: dims(-1, 160, 160, 3) } }),
        node('phase_train', 'Placeholder', [], { dtype: { type: 'DT_BOOL' }, shape: { shape: dims() } }),
        ...weights.map((x) =>
          node(x.name, 'Const', [], {
            dtype: { type: x.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' },
            value: { tensor: { dtype: x.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: dims(...x.shape) } },
          }),
        ),
        node('pooled', 'Mean', ['input', 'axes'], { keep_dims: { b: false }, T: float, Tidx: { type: 'DT_INT32' } }),
        node('projected', 'MatMul', ['pooled', 'W'], {
          T: float,
          transpose_a: { b: false },
          transpose_b: { b: false },
        }),
        node('training', 'Cast', ['phase_train'], { SrcT: { type: 'DT_BOOL' }, DstT: float }),
        node('keep', 'Sub', ['one', 'training'], { T: float }),
        node('embeddings', 'Mul', ['projected', 'keep'], { T: float }),
      ],
      library: {},
      versions: {},
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      },
    ],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(weights.map((x) => Buffer.from(x.data.buffer))));
}

let dir: string;
let embedder: FaceEmbedder;

beforeAll(async () => {
  await useWasm();
  dir = mkdtempSync(join(tmpdir(), 'facenet-'));
  writeStandIn(dir);
  embedder = await FaceEmbedder.load(FACENET, fileAssetReader(dir));
});

afterAll(() => embedder?.dispose());

describe('FaceNet import', () => {
  it('loads a converted model of its signature and embeds faces at 512-d, phase_train fed false', async () => {
    const detector = await loadDetector();
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    const faces = await detector.detectFaces(frame);
    const before = tf.memory().numTensors;
    const embeddings = await embedder.embedFaces(frame, faces);
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
    detector.dispose();
    expect(embeddings).toHaveLength(4);
    for (const e of embeddings) {
      expect(e).toHaveLength(512);
      expect(Math.hypot(...e)).toBeCloseTo(1, 4);
    }
  });

  it('crops the box grown by the 32-px margin, clipped to the frame, at 160×160', () => {
    const frame = tf.tidy(() => tf.concat<tf.Tensor3D>([tf.zeros([100, 50, 3]), tf.fill([100, 50, 3], 200)], 1));
    const box = { x: 40, y: 30, width: 20, height: 20 };
    const crops = marginCrops(frame, [{ box, score: 1, landmarks: [box, box, box, box, box] }], 160, 32);
    expect(crops.shape).toEqual([1, 160, 160, 3]);
    // The window runs from x = 24 to 76: the dark half ends at x = 50, halfway across.
    const row = tf.tidy(() => tf.slice(crops, [0, 80, 0, 0], [1, 1, 160, 1]).dataSync());
    expect(row[40]).toBe(0);
    expect(row[120]).toBe(200);
    tf.dispose([frame, crops]);
  });

  it('explains how to import FaceNet when it is not there', async () => {
    const error = await FaceEmbedder.load(FACENET, fileAssetReader(join(dir, 'missing'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).message).toMatch(/tensorflowjs_converter.*public\/models\/facenet/);
  });
});

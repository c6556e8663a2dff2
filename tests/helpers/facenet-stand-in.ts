/**
 * A stand-in for a converted FaceNet (the real weights cannot be downloaded): a graph model of FaceNet's
 * signature (inputs `input` N×160×160×3 and `phase_train`, output `embeddings`, 512-d), whose output is
 * zero unless `phase_train` is fed false. Written as `model.json` and one shard, as tensorflowjs_converter
 * writes them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const float = { type: 'DT_FLOAT' };
const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });

/** Writes a FaceNet-shaped graph model: embeddings = mean over pixels · W · (1 − phase_train). */
export function writeFaceNetStandIn(dir: string): string[] {
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
  return [join(dir, 'model.json'), join(dir, 'group1-shard1of1.bin')];
}

/**
 * A stand-in for a school's own network: input `data` N×size×size×3, output `fc1` (`dims` values: pixel means
 * projected), with the signature tensorflowjs_converter writes, as `school-model.json` and one shard.
 */
export function writeCustomStandIn(dir: string, size = 112, dims = 128): string[] {
  const w = Float32Array.from({ length: 3 * dims }, (_, i) => Math.cos(i * 7.31) * 0.5);
  const axes = Int32Array.from([1, 2]);
  const tensor = (dtype: string, ...shape: number[]) => ({
    tensor: { dtype, tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } },
  });
  const json = {
    format: 'graph-model',
    generatedBy: 'stand-in',
    convertedBy: 'face-attendance tests',
    signature: {
      inputs: {
        'data:0': {
          name: 'data:0',
          dtype: 'DT_FLOAT',
          tensorShape: { dim: [-1, size, size, 3].map((s) => ({ size: String(s) })) },
        },
      },
      outputs: {
        'fc1:0': {
          name: 'fc1:0',
          dtype: 'DT_FLOAT',
          tensorShape: { dim: [-1, dims].map((s) => ({ size: String(s) })) },
        },
      },
    },
    modelTopology: {
      node: [
        { name: 'data', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'W', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: tensor('DT_FLOAT', 3, dims) } },
        { name: 'axes', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: tensor('DT_INT32', 2) } },
        {
          name: 'pooled',
          op: 'Mean',
          input: ['data', 'axes'],
          attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } },
        },
        {
          name: 'fc1',
          op: 'MatMul',
          input: ['pooled', 'W'],
          attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } },
        },
      ],
      library: {},
      versions: {},
    },
    weightsManifest: [
      {
        paths: ['school-model.bin'],
        weights: [
          { name: 'W', shape: [3, dims], dtype: 'float32' },
          { name: 'axes', shape: [2], dtype: 'int32' },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'school-model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'school-model.bin'), Buffer.concat([Buffer.from(w.buffer), Buffer.from(axes.buffer)]));
  return [join(dir, 'school-model.json'), join(dir, 'school-model.bin')];
}

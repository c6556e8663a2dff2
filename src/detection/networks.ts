/**
 * P-Net, R-Net and O-Net as tfjs ops, and the load-time rewrite of their weights.
 *
 * The original weights were trained on transposed images (x and y swapped) and on pixels normalised as
 * (x - 127.5) / 128. Rather than transposing and normalising every frame and crop, `prepareMtcnnParams`
 * swaps each kernel's two spatial axes, reorders the rows of the fully connected layers that follow a
 * flatten, and folds the normalisation into the first convolution. The nets then take raw 0..255 RGB pixels
 * in their natural layout and give the same outputs. The two-way softmax and the regression (and landmark)
 * heads are merged into one layer whose first output is logit(face) - logit(background).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../core/errors';

const NORM_MEAN = 127.5;
const NORM_SCALE = 0.0078125;

interface ConvParams {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
  readonly alpha: tf.Tensor1D;
}

interface DenseParams {
  readonly weights: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

interface PreluDenseParams extends DenseParams {
  readonly alpha: tf.Tensor1D;
}

export interface PnetParams {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
  readonly conv3: ConvParams;
  /** 1×1 conv to [margin, dx1, dy1, dx2, dy2]. */
  readonly head: { readonly filter: tf.Tensor4D; readonly bias: tf.Tensor1D };
}

export interface RnetParams {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
  readonly conv3: ConvParams;
  readonly fc: PreluDenseParams;
  /** To [margin, dx1, dy1, dx2, dy2]. */
  readonly head: DenseParams;
}

export interface OnetParams {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
  readonly conv3: ConvParams;
  readonly conv4: ConvParams;
  readonly fc: PreluDenseParams;
  /** To [margin, dx1, dy1, dx2, dy2, x1..x5, y1..y5]. */
  readonly head: DenseParams;
}

export interface MtcnnParams {
  readonly pnet: PnetParams;
  readonly rnet: RnetParams;
  readonly onet: OnetParams;
}

/** The original tensor names and shapes, as shipped. */
const EXPECTED_SHAPES: Readonly<Record<string, readonly number[]>> = {
  'pnet/conv1/weights': [3, 3, 3, 10],
  'pnet/conv2/weights': [3, 3, 10, 16],
  'pnet/conv3/weights': [3, 3, 16, 32],
  'pnet/conv4_1/weights': [1, 1, 32, 2],
  'pnet/conv4_2/weights': [1, 1, 32, 4],
  'rnet/conv1/weights': [3, 3, 3, 28],
  'rnet/conv2/weights': [3, 3, 28, 48],
  'rnet/conv3/weights': [2, 2, 48, 64],
  'rnet/fc1/weights': [576, 128],
  'rnet/fc2_1/weights': [128, 2],
  'rnet/fc2_2/weights': [128, 4],
  'onet/conv1/weights': [3, 3, 3, 32],
  'onet/conv2/weights': [3, 3, 32, 64],
  'onet/conv3/weights': [3, 3, 64, 64],
  'onet/conv4/weights': [2, 2, 64, 128],
  'onet/fc1/weights': [1152, 256],
  'onet/fc2_1/weights': [256, 2],
  'onet/fc2_2/weights': [256, 4],
  'onet/fc2_3/weights': [256, 10],
};

/**
 * Builds the nets' parameters from the original weights (see the file comment). The caller keeps owning
 * `weights`; the result holds new tensors, freed by `disposeMtcnnParams`.
 */
export function prepareMtcnnParams(weights: tf.NamedTensorMap): MtcnnParams {
  for (const [name, shape] of Object.entries(EXPECTED_SHAPES)) {
    const t = weights[name];
    if (!t || t.shape.join() !== shape.join()) {
      throw new ModelLoadError(
        `${name.split('/')[0]}.json`,
        `The MTCNN weights lack ${name} of shape [${shape.join(', ')}]${t ? ` (found [${t.shape.join(', ')}])` : ''}. Run \`npm run models\` again.`,
      );
    }
  }
  const get = (name: string): tf.Tensor => weights[name]!;
  let params: MtcnnParams | undefined;
  // tidy keeps what the callback returns: every tensor of the params, and frees the intermediates.
  tf.tidy(() => {
    const conv = (net: string, layer: number, first = false): ConvParams => {
      let filter = tf.transpose(get(`${net}/conv${layer}/weights`), [1, 0, 2, 3]) as tf.Tensor4D;
      let bias = get(`${net}/conv${layer}/bias`) as tf.Tensor1D;
      if (first) {
        bias = tf.sub(bias, tf.mul(tf.sum(filter, [0, 1, 2]), NORM_MEAN * NORM_SCALE));
        filter = tf.mul(filter, NORM_SCALE);
      }
      return { filter, bias, alpha: get(`${net}/prelu${layer}_alpha`) as tf.Tensor1D };
    };
    // Rows of a dense layer after a flatten were ordered (x, y, channel); ours are (y, x, channel).
    const flattenedDense = (net: string, side: number, channels: number): PreluDenseParams => {
      const w = get(`${net}/fc1/weights`);
      const units = w.shape[1]!;
      const reordered = tf.reshape(tf.transpose(tf.reshape(w, [side, side, channels, units]), [1, 0, 2, 3]), [
        side * side * channels,
        units,
      ]);
      return {
        weights: reordered as tf.Tensor2D,
        bias: get(`${net}/fc1/bias`) as tf.Tensor1D,
        alpha: get(`${net}/prelu${net === 'rnet' ? 4 : 5}_alpha`) as tf.Tensor1D,
      };
    };
    // Column 1 minus column 0 of the classifier gives the logit margin.
    const margin = (w: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] => {
      const [w0, w1] = tf.split(w, 2, -1);
      const [b0, b1] = tf.split(b, 2, -1);
      return [tf.sub(w1!, w0!), tf.sub(b1!, b0!)];
    };
    const head = (net: string, prefix: string, parts: string[]): DenseParams => {
      const [mw, mb] = margin(get(`${net}/${prefix}2_1/weights`), get(`${net}/${prefix}2_1/bias`));
      const ws = [mw, ...parts.map((p) => get(`${net}/${prefix}2_${p}/weights`))];
      const bs = [mb, ...parts.map((p) => get(`${net}/${prefix}2_${p}/bias`))];
      return { weights: tf.concat(ws, -1) as tf.Tensor2D, bias: tf.concat(bs, -1) as tf.Tensor1D };
    };

    const [pw, pb] = margin(get('pnet/conv4_1/weights'), get('pnet/conv4_1/bias'));
    const pnet: PnetParams = {
      conv1: conv('pnet', 1, true),
      conv2: conv('pnet', 2),
      conv3: conv('pnet', 3),
      head: {
        filter: tf.concat([pw, get('pnet/conv4_2/weights')], -1) as tf.Tensor4D,
        bias: tf.concat([pb, get('pnet/conv4_2/bias')], -1) as tf.Tensor1D,
      },
    };
    const rnet: RnetParams = {
      conv1: conv('rnet', 1, true),
      conv2: conv('rnet', 2),
      conv3: conv('rnet', 3),
      fc: flattenedDense('rnet', 3, 64),
      head: head('rnet', 'fc', ['2']),
    };
    const onet: OnetParams = {
      conv1: conv('onet', 1, true),
      conv2: conv('onet', 2),
      conv3: conv('onet', 3),
      conv4: conv('onet', 4),
      fc: flattenedDense('onet', 3, 128),
      head: head('onet', 'fc', ['2', '3']),
    };
    // Tensors taken unchanged from `weights` must not be shared with it: the caller may free those.
    params = cloneUnowned({ pnet, rnet, onet }, new Set(Object.values(weights)));
    return collectTensors(params);
  });
  return params!;
}

function cloneUnowned<T>(params: T, owned: ReadonlySet<tf.Tensor>): T {
  const walk = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) return owned.has(v as tf.Tensor) ? tf.clone(v as tf.Tensor) : v;
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(params) as T;
}

export function disposeMtcnnParams(params: MtcnnParams): void {
  tf.dispose(collectTensors(params));
}

function collectTensors(v: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (v instanceof tf.Tensor) out.push(v as tf.Tensor);
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => collectTensors(x, out));
  return out;
}

function convPrelu(x: tf.Tensor4D, p: ConvParams): tf.Tensor4D {
  return tf.fused.conv2d({
    x,
    filter: p.filter,
    strides: 1,
    pad: 'valid',
    bias: p.bias,
    activation: 'prelu',
    preluActivationWeights: p.alpha,
  });
}

function densePrelu(x: tf.Tensor2D, p: PreluDenseParams): tf.Tensor2D {
  return tf.fused.matMul({
    a: x,
    b: p.weights,
    bias: p.bias,
    activation: 'prelu',
    preluActivationWeights: p.alpha,
  }) as tf.Tensor2D;
}

/** P-Net on a batch of raw RGB images [n, h, w, 3] → [n, (h-10)/2, (w-10)/2, 5] (margin, 4 offsets). */
export function runPnet(x: tf.Tensor4D, p: PnetParams): tf.Tensor4D {
  return tf.tidy(() => {
    let y = convPrelu(x, p.conv1);
    y = tf.maxPool(y, 2, 2, 'same');
    y = convPrelu(y, p.conv2);
    y = convPrelu(y, p.conv3);
    return tf.fused.conv2d({ x: y, filter: p.head.filter, strides: 1, pad: 'valid', bias: p.head.bias });
  });
}

/** R-Net on raw RGB crops [n, 24, 24, 3] → [n, 5] (margin, 4 offsets). */
export function runRnet(x: tf.Tensor4D, p: RnetParams): tf.Tensor2D {
  return tf.tidy(() => {
    let y = convPrelu(x, p.conv1);
    y = tf.maxPool(y, 3, 2, 'same');
    y = convPrelu(y, p.conv2);
    y = tf.maxPool(y, 3, 2, 'valid');
    y = convPrelu(y, p.conv3);
    const flat = densePrelu(tf.reshape(y, [x.shape[0], -1]), p.fc);
    return tf.fused.matMul({ a: flat, b: p.head.weights, bias: p.head.bias }) as tf.Tensor2D;
  });
}

/** O-Net on raw RGB crops [n, 48, 48, 3] → [n, 15] (margin, 4 offsets, 5 x and 5 y landmark fractions). */
export function runOnet(x: tf.Tensor4D, p: OnetParams): tf.Tensor2D {
  return tf.tidy(() => {
    let y = convPrelu(x, p.conv1);
    y = tf.maxPool(y, 3, 2, 'same');
    y = convPrelu(y, p.conv2);
    y = tf.maxPool(y, 3, 2, 'valid');
    y = convPrelu(y, p.conv3);
    y = tf.maxPool(y, 2, 2, 'same');
    y = convPrelu(y, p.conv4);
    const flat = densePrelu(tf.reshape(y, [x.shape[0], -1]), p.fc);
    return tf.fused.matMul({ a: flat, b: p.head.weights, bias: p.head.bias }) as tf.Tensor2D;
  });
}

/**
 * The nets with rewritten weights (kernels transposed, normalisation folded in, heads merged) against the
 * original recipe written out plainly: normalise, transpose the input, run the shipped weights, softmax,
 * transpose back. Both on the same random pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeMtcnnParams,
  prepareMtcnnParams,
  runOnet,
  runPnet,
  runRnet,
  type MtcnnParams,
} from '../../src/detection/networks';
import { loadOriginalWeights, randomPixels, tf, useWasm } from '../helpers/tf-node';

let weights: tf.NamedTensorMap;
let params: MtcnnParams;

beforeAll(async () => {
  await useWasm();
  weights = await loadOriginalWeights();
  params = prepareMtcnnParams(weights);
});

afterAll(() => {
  disposeMtcnnParams(params);
  tf.dispose(weights);
});

const w = (name: string): tf.Tensor => weights[name]!;

function convPrelu(x: tf.Tensor4D, net: string, layer: number): tf.Tensor4D {
  const y = tf.add(
    tf.conv2d(x, w(`${net}/conv${layer}/weights`) as tf.Tensor4D, 1, 'valid'),
    w(`${net}/conv${layer}/bias`),
  );
  return tf.prelu(y, w(`${net}/prelu${layer}_alpha`)) as tf.Tensor4D;
}

function dense(x: tf.Tensor2D, name: string): tf.Tensor2D {
  return tf.add(tf.matMul(x, w(`${name}/weights`) as tf.Tensor2D), w(`${name}/bias`));
}

/** The original input preparation: (x - 127.5) / 128, x and y swapped. */
function originalInput(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.mul(tf.sub(pixels, 127.5), 0.0078125), [0, 2, 1, 3]);
}

function originalPnet(pixels: tf.Tensor4D): { prob: tf.Tensor; reg: tf.Tensor } {
  let x = convPrelu(originalInput(pixels), 'pnet', 1);
  x = tf.maxPool(x, 2, 2, 'same');
  x = convPrelu(x, 'pnet', 2);
  x = convPrelu(x, 'pnet', 3);
  const cls = tf.add(tf.conv2d(x, w('pnet/conv4_1/weights') as tf.Tensor4D, 1, 'valid'), w('pnet/conv4_1/bias'));
  const reg = tf.add(tf.conv2d(x, w('pnet/conv4_2/weights') as tf.Tensor4D, 1, 'valid'), w('pnet/conv4_2/bias'));
  const prob = tf.slice(tf.softmax(cls), [0, 0, 0, 1], [-1, -1, -1, 1]);
  return { prob: tf.transpose(prob, [0, 2, 1, 3]), reg: tf.transpose(reg, [0, 2, 1, 3]) };
}

function originalRnet(pixels: tf.Tensor4D): tf.Tensor2D {
  let x = convPrelu(originalInput(pixels), 'rnet', 1);
  x = tf.maxPool(x, 3, 2, 'same');
  x = convPrelu(x, 'rnet', 2);
  x = tf.maxPool(x, 3, 2, 'valid');
  x = convPrelu(x, 'rnet', 3);
  const fc = tf.prelu(dense(tf.reshape(x, [x.shape[0], -1]), 'rnet/fc1'), w('rnet/prelu4_alpha')) as tf.Tensor2D;
  const prob = tf.slice(tf.softmax(dense(fc, 'rnet/fc2_1')), [0, 1], [-1, 1]);
  return tf.concat([prob, dense(fc, 'rnet/fc2_2')], 1);
}

function originalOnet(pixels: tf.Tensor4D): tf.Tensor2D {
  let x = convPrelu(originalInput(pixels), 'onet', 1);
  x = tf.maxPool(x, 3, 2, 'same');
  x = convPrelu(x, 'onet', 2);
  x = tf.maxPool(x, 3, 2, 'valid');
  x = convPrelu(x, 'onet', 3);
  x = tf.maxPool(x, 2, 2, 'same');
  x = convPrelu(x, 'onet', 4);
  const fc = tf.prelu(dense(tf.reshape(x, [x.shape[0], -1]), 'onet/fc1'), w('onet/prelu5_alpha')) as tf.Tensor2D;
  const prob = tf.slice(tf.softmax(dense(fc, 'onet/fc2_1')), [0, 1], [-1, 1]);
  return tf.concat([prob, dense(fc, 'onet/fc2_2'), dense(fc, 'onet/fc2_3')], 1);
}

/** Our first output is a logit margin: its sigmoid is the face probability. */
function withProbability(out: tf.Tensor): tf.Tensor {
  const last = out.shape.length - 1;
  const [margin, rest] = tf.split(out, [1, out.shape[last]! - 1], last);
  return tf.concat([tf.sigmoid(margin!), rest!], last);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
}

describe('MTCNN nets with rewritten weights', () => {
  it('P-Net matches the original on a non-square image', () => {
    const diff = tf.tidy(() => {
      const pixels = randomPixels([2, 37, 53, 3], 1) as tf.Tensor4D;
      const { prob, reg } = originalPnet(pixels);
      const ours = withProbability(runPnet(pixels, params.pnet));
      expect(ours.shape).toEqual([2, 14, 22, 5]);
      return maxAbsDiff(ours, tf.concat([prob, reg], 3));
    });
    expect(diff).toBeLessThan(1e-4);
  });

  it('R-Net matches the original', () => {
    const diff = tf.tidy(() => {
      const pixels = randomPixels([5, 24, 24, 3], 2) as tf.Tensor4D;
      return maxAbsDiff(withProbability(runRnet(pixels, params.rnet)), originalRnet(pixels));
    });
    expect(diff).toBeLessThan(1e-4);
  });

  it('O-Net matches the original, landmarks included', () => {
    const diff = tf.tidy(() => {
      const pixels = randomPixels([4, 48, 48, 3], 3) as tf.Tensor4D;
      const ours = withProbability(runOnet(pixels, params.onet));
      expect(ours.shape).toEqual([4, 15]);
      return maxAbsDiff(ours, originalOnet(pixels));
    });
    expect(diff).toBeLessThan(1e-4);
  });

  it('would notice a transposition mistake', () => {
    // The check above is only meaningful if feeding the image the wrong way round changes the output.
    const diff = tf.tidy(() => {
      const pixels = randomPixels([1, 24, 24, 3], 4) as tf.Tensor4D;
      const swapped = tf.transpose(pixels, [0, 2, 1, 3]);
      return maxAbsDiff(withProbability(runRnet(swapped, params.rnet)), originalRnet(pixels));
    });
    expect(diff).toBeGreaterThan(1e-2);
  });
});

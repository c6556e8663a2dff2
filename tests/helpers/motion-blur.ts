/** Synthetic motion blur for gate tests: a photo smeared along a straight line, as a moving head or hand gives. */
import * as tf from '@tensorflow/tfjs-core';

/** A normalised line kernel of `length` pixels at `angleDeg` (0 = horizontal), for each of 3 channels. */
function lineKernel(length: number, angleDeg: number): tf.Tensor4D {
  const size = length % 2 === 1 ? length : length + 1;
  const c = (size - 1) / 2;
  const a = (angleDeg * Math.PI) / 180;
  const k = new Float32Array(size * size);
  for (let i = 0; i < length * 4; i++) {
    const t = (i / (length * 4 - 1) - 0.5) * (length - 1);
    k[Math.round(c + t * Math.sin(a)) * size + Math.round(c + t * Math.cos(a))] = 1;
  }
  const n = k.reduce((s, v) => s + v, 0);
  const kk = new Float32Array(size * size * 3);
  for (let i = 0; i < size * size; i++) for (let ch = 0; ch < 3; ch++) kk[i * 3 + ch] = k[i]! / n;
  return tf.tensor4d(kk, [size, size, 3, 1]);
}

/** The frame ([h, w, 3], 0..255) smeared by a `length`-pixel motion blur at `angleDeg`; int32, the caller owns it. */
export function motionBlur(frame: tf.Tensor3D, length: number, angleDeg: number): tf.Tensor3D {
  return tf.tidy(() => {
    const kernel = lineKernel(length, angleDeg);
    const pad = (kernel.shape[0] - 1) / 2;
    const x = tf.mirrorPad(
      tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0),
      [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ],
      'symmetric',
    );
    return tf.cast(tf.round(tf.squeeze<tf.Tensor3D>(tf.depthwiseConv2d(x, kernel, 1, 'valid'), [0])), 'int32');
  });
}

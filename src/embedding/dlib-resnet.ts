/**
 * dlib's face-recognition ResNet-34 (128-d, 150×150 input), as face-api.js ships its weights (a weights
 * manifest without a graph): the network written out here. Each conv has a bias and a per-channel scale
 * (the folded batch norm); the down-sampling blocks add an average-pooled, zero-padded shortcut.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseModelJson, readModelFile, type AssetReader } from '../core/assets';
import { ModelLoadError } from '../core/errors';
import { CHECKSUMS_FILE, type Checksums } from './graph-model';

const BLOCKS = [
  'conv32_1',
  'conv32_2',
  'conv32_3',
  'conv64_down',
  'conv64_1',
  'conv64_2',
  'conv64_3',
  'conv128_down',
  'conv128_1',
  'conv128_2',
  'conv256_down',
  'conv256_1',
  'conv256_2',
  'conv256_down_out',
] as const;

export interface DlibResnet {
  /** Raw 0..255 RGB crops [n, 150, 150, 3] → [n, 128] (not normalised). */
  run(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** Reads `manifestFile` and its shard (checked against checksums.json) and builds the network. */
export async function loadDlibResnet(read: AssetReader, manifestFile: string): Promise<DlibResnet> {
  let checksums: Checksums | null = null;
  try {
    checksums = JSON.parse(new TextDecoder().decode(await read(CHECKSUMS_FILE))) as Checksums;
  } catch {
    checksums = null;
  }
  const manifest = parseModelJson<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]>(
    await readModelFile(read, manifestFile, checksums?.files[manifestFile]),
    manifestFile,
  );
  const weights: tf.NamedTensorMap = {};
  for (const group of manifest) {
    const shards = await Promise.all(group.paths.map((p) => readModelFile(read, p, checksums?.files[p])));
    Object.assign(weights, tf.io.decodeWeights(tf.io.concatenateArrayBuffers(shards), group.weights));
  }
  const get = (name: string): tf.Tensor => {
    const t = weights[name];
    if (!t) {
      tf.dispose(weights);
      throw new ModelLoadError(manifestFile, `${manifestFile} lacks the weight ${name}. Run \`npm run models\` again.`);
    }
    return t;
  };
  const conv = (prefix: string) => ({
    filters: get(`${prefix}/conv/filters`) as tf.Tensor4D,
    bias: get(`${prefix}/conv/bias`),
    scale: get(`${prefix}/scale/weights`),
    shift: get(`${prefix}/scale/biases`),
  });
  const params = {
    stem: conv('conv32_down'),
    blocks: BLOCKS.map((b) => ({ down: b.includes('down'), conv1: conv(`${b}/conv1`), conv2: conv(`${b}/conv2`) })),
    fc: get('fc') as tf.Tensor2D,
  };
  type Conv = typeof params.stem;
  const layer = (x: tf.Tensor4D, p: Conv, stride: 1 | 2, relu: boolean): tf.Tensor4D => {
    const y = tf.add(
      tf.mul(tf.add(tf.conv2d(x, p.filters, stride, stride === 2 ? 'valid' : 'same'), p.bias), p.scale),
      p.shift,
    );
    return (relu ? tf.relu(y) : y) as tf.Tensor4D;
  };
  const mean = tf.tensor1d([122.782, 117.001, 104.298]);
  return {
    run(x) {
      return tf.tidy(() => {
        let out = layer(tf.div(tf.sub(x, mean), 256), params.stem, 2, true);
        out = tf.maxPool(out, 3, 2, 'valid');
        for (const b of params.blocks) {
          let y = layer(out, b.conv1, b.down ? 2 : 1, true);
          y = layer(y, b.conv2, 1, false);
          let shortcut: tf.Tensor4D = out;
          if (b.down) {
            shortcut = tf.avgPool(out, 2, 2, 'valid');
            // The strided valid conv can come out one row and column short of the pooled shortcut.
            const dh = shortcut.shape[1] - y.shape[1];
            const dw = shortcut.shape[2] - y.shape[2];
            if (dh > 0 || dw > 0)
              y = tf.pad(y, [
                [0, 0],
                [0, dh],
                [0, dw],
                [0, 0],
              ]);
            const extra = y.shape[3] - shortcut.shape[3];
            if (extra > 0)
              shortcut = tf.pad(shortcut, [
                [0, 0],
                [0, 0],
                [0, 0],
                [0, extra],
              ]);
          }
          out = tf.relu(tf.add(y, shortcut));
        }
        return tf.matMul(tf.mean(out, [1, 2]), params.fc);
      });
    },
    dispose() {
      tf.dispose([...Object.values(weights), mean]);
    },
  };
}

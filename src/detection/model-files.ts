/**
 * The MTCNN weights as `npm run models` writes them: one TensorFlow.js weights manifest and one shard per
 * net, and `mtcnn.json`, an index with each shard's size and SHA-256.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../core/errors';
import { parseModelJson, readModelFile, type AssetReader, type FileCheck } from '../core/assets';

export const MTCNN_NETS = ['pnet', 'rnet', 'onet'] as const;
export type MtcnnNetName = (typeof MTCNN_NETS)[number];

export const MTCNN_INDEX_FILE = 'mtcnn.json';

export type ShardInfo = FileCheck;

export interface MtcnnIndex {
  readonly format: 'mtcnn-tfjs-weights/1';
  readonly source: string;
  readonly nets: Readonly<
    Record<MtcnnNetName, { readonly manifest: string; readonly shards: Readonly<Record<string, ShardInfo>> }>
  >;
}

export interface WeightEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
}

export type WeightsManifest = { paths: string[]; weights: WeightEntry[] }[];

/** Reads, checks and decodes every net's weights; the caller owns the returned tensors. */
export async function readMtcnnWeights(read: AssetReader): Promise<tf.NamedTensorMap> {
  const index = parseModelJson<MtcnnIndex>(await readModelFile(read, MTCNN_INDEX_FILE), MTCNN_INDEX_FILE);
  if (index.format !== 'mtcnn-tfjs-weights/1' || !index.nets) {
    throw new ModelLoadError(
      MTCNN_INDEX_FILE,
      `${MTCNN_INDEX_FILE} is not an MTCNN model index. Run \`npm run models\` again.`,
    );
  }
  const named: tf.NamedTensorMap = {};
  try {
    for (const net of MTCNN_NETS) {
      const entry = index.nets[net];
      if (!entry)
        throw new ModelLoadError(
          MTCNN_INDEX_FILE,
          `${MTCNN_INDEX_FILE} lists no ${net}. Run \`npm run models\` again.`,
        );
      const manifest = parseModelJson<WeightsManifest>(await readModelFile(read, entry.manifest), entry.manifest);
      for (const group of manifest) {
        const buffers = await Promise.all(group.paths.map((p) => readModelFile(read, p, entry.shards[p])));
        const joined = tf.io.concatenateArrayBuffers(buffers);
        const expected = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
        if (joined.byteLength !== expected) {
          throw new ModelLoadError(
            group.paths.join(', '),
            `${group.paths.join(', ')} holds ${joined.byteLength} bytes where its manifest ${entry.manifest} needs ${expected}. Run \`npm run models\` again.`,
          );
        }
        Object.assign(named, tf.io.decodeWeights(joined, group.weights));
      }
    }
  } catch (error) {
    Object.values(named).forEach((t) => t.dispose());
    throw error;
  }
  return named;
}

/**
 * The MTCNN weights as `npm run models` writes them: one TensorFlow.js weights manifest and one shard per
 * net, and `mtcnn.json`, an index with each shard's size and SHA-256.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../core/errors';
import { sha256Hex, type AssetReader } from '../core/assets';

export const MTCNN_NETS = ['pnet', 'rnet', 'onet'] as const;
export type MtcnnNetName = (typeof MTCNN_NETS)[number];

export const MTCNN_INDEX_FILE = 'mtcnn.json';

export interface ShardInfo {
  readonly bytes: number;
  readonly sha256: string;
}

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
  const index = parseJson<MtcnnIndex>(await readOrThrow(read, MTCNN_INDEX_FILE), MTCNN_INDEX_FILE);
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
      const manifest = parseJson<WeightsManifest>(await readOrThrow(read, entry.manifest), entry.manifest);
      for (const group of manifest) {
        const buffers = await Promise.all(group.paths.map((p) => readShard(read, p, entry.shards[p])));
        const joined = concatBuffers(buffers);
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

async function readShard(read: AssetReader, path: string, info: ShardInfo | undefined): Promise<ArrayBuffer> {
  const data = await readOrThrow(read, path);
  if (!info) return data;
  if (data.byteLength !== info.bytes) {
    throw new ModelLoadError(
      path,
      `${path} is ${data.byteLength} bytes, not ${info.bytes}: it is truncated or corrupt. Run \`npm run models\` again (or reload the app to fetch it anew).`,
    );
  }
  const digest = await sha256Hex(data);
  if (digest !== null && digest !== info.sha256) {
    throw new ModelLoadError(
      path,
      `${path} is corrupt (its SHA-256 is ${digest}, not ${info.sha256}). Run \`npm run models\` again (or reload the app to fetch it anew).`,
    );
  }
  return data;
}

async function readOrThrow(read: AssetReader, path: string): Promise<ArrayBuffer> {
  try {
    return await read(path);
  } catch (cause) {
    throw new ModelLoadError(
      path,
      `Could not read the model file ${path}. Run \`npm run models\` (or check that the app's models were deployed). ${String(cause)}`,
      { cause },
    );
  }
}

function parseJson<T>(data: ArrayBuffer, file: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as T;
  } catch (cause) {
    throw new ModelLoadError(
      file,
      `The model file ${file} is not valid JSON: it is corrupt. Run \`npm run models\` again.`,
      { cause },
    );
  }
}

function concatBuffers(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0]!;
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

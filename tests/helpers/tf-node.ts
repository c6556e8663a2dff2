/** Shared set-up of the Node integration tests: tfjs on WebAssembly and the prepared MTCNN files. */
import * as tf from '@tensorflow/tfjs-core';
import { fileAssetReader, initNodeBackend, mtcnnModelDir } from '../../scripts/lib/node-tf';
import { readMtcnnWeights } from '../../src/detection/model-files';
import { MtcnnDetector } from '../../src/detection';

export { tf };

export async function useWasm(): Promise<void> {
  await initNodeBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error(`expected the wasm backend, got ${tf.getBackend()}`);
}

export const mtcnnFiles = fileAssetReader(mtcnnModelDir);

export function loadDetector(): Promise<MtcnnDetector> {
  return MtcnnDetector.load(mtcnnFiles);
}

export function loadOriginalWeights(): Promise<tf.NamedTensorMap> {
  return readMtcnnWeights(mtcnnFiles);
}

/** Seeded uniform pixels 0..255 (float32), so a failure can be replayed. */
export function randomPixels(shape: number[], seed: number): tf.Tensor {
  return tf.floor(tf.randomUniform(shape, 0, 256, 'float32', seed));
}

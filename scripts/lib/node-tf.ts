/** tfjs in Node for scripts and tests: the wasm (SIMD) backend from node_modules, or the plain cpu one. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { AssetReader } from '../../src/core/assets';

export { mtcnnModelDir, projectRoot } from './paths';

export type NodeBackend = 'wasm' | 'cpu';

/** Selects and initialises a backend; throws when it cannot start. */
export async function initNodeBackend(name: NodeBackend): Promise<void> {
  if (name === 'wasm') {
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(`${join(wasmDir, 'dist')}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`The tfjs ${name} backend could not be initialised.`);
  await tf.ready();
}

/** Reads model files from a folder on disk. */
export function fileAssetReader(dir: string): AssetReader {
  return async (path) => {
    const data = await readFile(join(dir, path));
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  };
}

/** Loads a TensorFlow.js GraphModel (model.json + shards) through an AssetReader, checking every file. */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { sha256Hex, type AssetReader } from '../core/assets';
import { ModelLoadError } from '../core/errors';

export const CHECKSUMS_FILE = 'checksums.json';

export interface Checksums {
  readonly source: string;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
}

async function readChecked(read: AssetReader, path: string, checksums: Checksums | null): Promise<ArrayBuffer> {
  let data: ArrayBuffer;
  try {
    data = await read(path);
  } catch (cause) {
    throw new ModelLoadError(
      path,
      `Could not read the model file ${path}. Run \`npm run models\` (or reload the app). ${String(cause)}`,
      { cause },
    );
  }
  const expected = checksums?.files[path];
  if (expected) {
    if (data.byteLength !== expected.bytes) {
      throw new ModelLoadError(
        path,
        `${path} is ${data.byteLength} bytes, not ${expected.bytes}: it is truncated or corrupt. Run \`npm run models\` again.`,
      );
    }
    const digest = await sha256Hex(data);
    if (digest !== null && digest !== expected.sha256) {
      throw new ModelLoadError(
        path,
        `${path} is corrupt (SHA-256 ${digest}, expected ${expected.sha256}). Run \`npm run models\` again.`,
      );
    }
  }
  return data;
}

function parseJson<T>(data: ArrayBuffer, path: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as T;
  } catch (cause) {
    throw new ModelLoadError(
      path,
      `The model file ${path} is not valid JSON: it is corrupt. Run \`npm run models\` again.`,
      { cause },
    );
  }
}

/**
 * Reads `modelFile` and its shards (checked against `checksums.json` where the folder has one) and builds the
 * GraphModel, signature included (some models lose named outputs without it).
 */
export async function loadCheckedGraphModel(read: AssetReader, modelFile: string): Promise<GraphModel> {
  // Models the app ships have checksums; a folder the teacher imported may not (a web server may then
  // answer with some other page, which does not parse): such a folder is loaded unchecked.
  let checksums: Checksums | null = null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(await read(CHECKSUMS_FILE))) as Checksums;
    if (parsed && typeof parsed.files === 'object') checksums = parsed;
  } catch {
    checksums = null;
  }
  const json = parseJson<ModelJson>(await readChecked(read, modelFile, checksums), modelFile);
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelLoadError(
      modelFile,
      `${modelFile} is not a TensorFlow.js graph model (no modelTopology or weightsManifest).`,
    );
  }
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const shards = await Promise.all(paths.map((p) => readChecked(read, p, checksums)));
  const weightData = tf.io.concatenateArrayBuffers(shards);
  const handler: tf.io.IOHandler = {
    load: () =>
      Promise.resolve({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? null,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
      }),
  };
  try {
    return await loadGraphModel(handler);
  } catch (cause) {
    throw new ModelLoadError(
      modelFile,
      `${modelFile} could not be built into a model (${String(cause)}). Run \`npm run models\` again.`,
      { cause },
    );
  }
}

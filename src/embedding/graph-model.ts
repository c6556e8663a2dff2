/** Loads a TensorFlow.js GraphModel (model.json + shards) through an AssetReader, checking every file. */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { parseModelJson, readModelFile, type AssetReader, type FileCheck } from '../core/assets';
import { ModelLoadError } from '../core/errors';
import { fuseRelu6 } from './relu6';

export const CHECKSUMS_FILE = 'checksums.json';

export interface Checksums {
  readonly source: string;
  readonly files: Readonly<Record<string, FileCheck>>;
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

export interface GraphLoadOptions {
  /** Rewrite ReLU-then-clip pairs into one ReLU6 (see `relu6.ts`). Defaults to true. */
  readonly fuseRelu6?: boolean;
}

/**
 * Reads `modelFile` and its shards (checked against `checksums.json` where the folder has one) and builds the
 * GraphModel, signature included (some models lose named outputs without it).
 */
export async function loadCheckedGraphModel(
  read: AssetReader,
  modelFile: string,
  options: GraphLoadOptions = {},
): Promise<GraphModel> {
  // Models the app ships have checksums; a folder the teacher imported may not (a web server may then
  // answer with some other page, which does not parse): such a folder is loaded unchecked.
  let checksums: Checksums | null = null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(await read(CHECKSUMS_FILE))) as Checksums;
    if (parsed && typeof parsed.files === 'object') checksums = parsed;
  } catch {
    checksums = null;
  }
  const json = parseModelJson<ModelJson>(await readModelFile(read, modelFile, checksums?.files[modelFile]), modelFile);
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelLoadError(
      modelFile,
      `${modelFile} is not a TensorFlow.js graph model (no modelTopology or weightsManifest).`,
    );
  }
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const shards = await Promise.all(paths.map((p) => readModelFile(read, p, checksums?.files[p])));
  const weightData = tf.io.concatenateArrayBuffers(shards);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const modelTopology =
    options.fuseRelu6 === false
      ? json.modelTopology
      : fuseRelu6(json.modelTopology as Parameters<typeof fuseRelu6>[0], weightSpecs, weightData).topology;
  const handler: tf.io.IOHandler = {
    load: () =>
      Promise.resolve({
        modelTopology,
        weightSpecs,
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

/**
 * Models the teacher brings (FaceNet, converted with tensorflowjs_converter): the files picked in Settings
 * are checked by loading and running the model once, then kept in the browser's Cache Storage, from where
 * the face engine loads them (also offline). Nothing is uploaded.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AssetReader } from '../core/assets';
import { ModelLoadError } from '../core/errors';
import { FaceEmbedder, type GraphModelDescriptor } from '../embedding';

const CACHE = 'imported-models';

function keyOf(descriptor: GraphModelDescriptor, file: string): string {
  return new URL(`imported-models/${descriptor.folder}/${file}`, document.baseURI).href;
}

const baseName = (path: string): string => path.split('/').pop() ?? path;

/** The file names a graph model's model.json asks for. */
async function shardNames(modelJson: File): Promise<string[]> {
  try {
    const json = JSON.parse(await modelJson.text()) as { weightsManifest?: { paths?: string[] }[] };
    return (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  } catch (cause) {
    throw new ModelLoadError(modelJson.name, `${modelJson.name} is not a TensorFlow.js model file (not JSON).`, {
      cause,
    });
  }
}

/**
 * Checks and keeps the files of `descriptor`'s model: its model.json and every shard it names must be among
 * `files`, the model must load and give `descriptor.dimension` values a face. Throws `ModelLoadError` saying
 * what is wrong; nothing is kept then.
 */
export async function importModelFiles(descriptor: GraphModelDescriptor, files: readonly File[]): Promise<void> {
  if (typeof caches === 'undefined') {
    throw new ModelLoadError(
      descriptor.modelFile,
      'This browser cannot keep imported models here (no Cache Storage): open the app over https.',
    );
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const modelJson = byName.get(descriptor.modelFile);
  if (!modelJson) {
    throw new ModelLoadError(
      descriptor.modelFile,
      `Select the converted folder's ${descriptor.modelFile} together with its .bin files (you picked ${files.map((f) => f.name).join(', ') || 'nothing'}).`,
    );
  }
  const needed = [descriptor.modelFile, ...(await shardNames(modelJson))];
  const missing = needed.filter((n) => !byName.has(baseName(n)));
  if (missing.length) {
    throw new ModelLoadError(
      missing[0]!,
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: select every file of the converted folder.`,
    );
  }
  const read: AssetReader = async (path) => byName.get(baseName(path))!.arrayBuffer();
  await tf.ready();
  const embedder = await FaceEmbedder.load(descriptor, () => read);
  try {
    const dimension = await embedder.warmUp();
    if (dimension !== descriptor.dimension) {
      throw new ModelLoadError(
        descriptor.modelFile,
        `This model gives ${dimension} values a face where ${descriptor.label} gives ${descriptor.dimension}: it is another model.`,
      );
    }
  } catch (cause) {
    if (cause instanceof ModelLoadError) throw cause;
    throw new ModelLoadError(
      descriptor.modelFile,
      `The model does not run as ${descriptor.label} should (${String(cause)}).`,
      {
        cause,
      },
    );
  } finally {
    embedder.dispose();
  }
  const cache = await caches.open(CACHE);
  for (const key of await cache.keys())
    if (key.url.includes(`/imported-models/${descriptor.folder}/`)) await cache.delete(key);
  for (const name of needed) await cache.put(keyOf(descriptor, name), new Response(byName.get(baseName(name))));
}

/** A reader over the imported files of `descriptor`, or null when none were imported. */
export async function importedModelReader(descriptor: GraphModelDescriptor): Promise<AssetReader | null> {
  if (typeof caches === 'undefined') return null;
  const cache = await caches.open(CACHE);
  if (!(await cache.match(keyOf(descriptor, descriptor.modelFile)))) return null;
  return async (path) => {
    const hit = await cache.match(keyOf(descriptor, path));
    if (!hit)
      throw new ModelLoadError(
        path,
        `The imported ${descriptor.label} lacks ${path}: import its folder again in Settings.`,
      );
    return hit.arrayBuffer();
  };
}

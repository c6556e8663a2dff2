/**
 * Models the teacher brings: FaceNet (converted with tensorflowjs_converter), or any TensorFlow.js graph
 * model with a small description (input size, value range, crop). The files picked in Settings are checked
 * by loading and running the model once, then kept in the browser's Cache Storage with the description, from
 * where the face engine loads them (also offline). Nothing is uploaded.
 */
import { m } from '../paraglide/messages';
import * as tf from '@tensorflow/tfjs-core';
import { appBase } from '../core/app-base';
import type { AssetReader } from '../core/assets';
import { ModelLoadError } from '../core/errors';
import { FaceEmbedder, type GraphModelDescriptor } from '../embedding';
import type { PixelScaling } from '../embedding/models';

const CACHE = 'imported-models';

function keyOf(descriptor: GraphModelDescriptor, file: string): string {
  return new URL(`imported-models/${descriptor.folder}/${file}`, appBase()).href;
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
    throw new ModelLoadError(descriptor.modelFile, m.import_no_cache());
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const modelJson = byName.get(descriptor.modelFile);
  if (!modelJson) {
    throw new ModelLoadError(
      descriptor.modelFile,
      m.import_pick_json({
        file: descriptor.modelFile,
        picked: files.map((f) => f.name).join(', ') || m.import_nothing(),
      }),
    );
  }
  const needed = [descriptor.modelFile, ...(await shardNames(modelJson))];
  const missing = needed.filter((n) => !byName.has(baseName(n)));
  if (missing.length) {
    throw new ModelLoadError(missing[0]!, m.import_missing({ count: missing.length, files: missing.join(', ') }));
  }
  const read: AssetReader = async (path) => byName.get(baseName(path))!.arrayBuffer();
  await tf.ready();
  const embedder = await FaceEmbedder.load(descriptor, () => read);
  try {
    const dimension = await embedder.warmUp();
    if (dimension !== descriptor.dimension) {
      throw new ModelLoadError(
        descriptor.modelFile,
        m.import_other_model({ dimension, label: descriptor.label, expected: descriptor.dimension }),
      );
    }
  } catch (cause) {
    if (cause instanceof ModelLoadError) throw cause;
    throw new ModelLoadError(
      descriptor.modelFile,
      m.import_does_not_run({ label: descriptor.label, detail: String(cause) }),
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

/** What the teacher says of a model of their own; the rest is read from its files. */
export interface CustomModelSpec {
  /** A name to show, e.g. "ArcFace R50 (school's own)". */
  readonly label: string;
  /** Square input side in pixels. */
  readonly inputSize: number;
  /** How its input pixels are scaled. */
  readonly pixels: PixelScaling;
  /** Aligned to the five-point template (zoom 1 is ArcFace's), or FaceNet's box with a margin. */
  readonly crop: GraphModelDescriptor['crop'];
}

const DESCRIPTION = 'descriptor.json';

const slug = (label: string): string =>
  label
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'model';

/** The graph's first input and output, by name, from its model.json signature or its nodes. */
async function graphEnds(read: AssetReader, modelFile: string): Promise<{ input: string; output: string }> {
  const json = JSON.parse(new TextDecoder().decode(await read(modelFile))) as {
    signature?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
    modelTopology?: { node?: { name: string; op: string; input?: string[] }[] };
  };
  const strip = (n: string): string => n.replace(/:\d+$/, '');
  const inputs = Object.keys(json.signature?.inputs ?? {});
  const outputs = Object.keys(json.signature?.outputs ?? {});
  const nodes = json.modelTopology?.node ?? [];
  const input = inputs[0] ?? nodes.find((n) => n.op === 'Placeholder')?.name;
  const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => strip(i.replace(/^\^/, '')))));
  const output = outputs[0] ?? [...nodes].reverse().find((n) => !consumed.has(n.name) && n.op !== 'Const')?.name;
  if (!input || !output) {
    throw new ModelLoadError(
      modelFile,
      `${modelFile} names no input or output: convert the model again with its signature.`,
    );
  }
  return { input: strip(input), output: strip(output) };
}

/**
 * Imports a model of the teacher's own: finds its model.json among `files`, reads its input and output from
 * the signature, runs it once to learn its embedding length, and keeps files and description. Returns the
 * description, under which the app then offers it. Throws `ModelLoadError` saying what is wrong.
 */
export async function importCustomModel(spec: CustomModelSpec, files: readonly File[]): Promise<GraphModelDescriptor> {
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  if (jsons.length !== 1) {
    throw new ModelLoadError(
      jsons[0]?.name ?? 'model.json',
      m.import_pick_one_json({ picked: files.map((f) => f.name).join(', ') || m.import_nothing() }),
    );
  }
  if (!(spec.inputSize >= 16 && spec.inputSize <= 640)) {
    throw new ModelLoadError(jsons[0]!.name, m.import_input_size({ size: spec.inputSize }));
  }
  const modelFile = jsons[0]!.name;
  const read: AssetReader = async (path) => {
    const file = files.find((f) => f.name === baseName(path));
    if (!file) throw new ModelLoadError(path, m.import_missing({ count: 1, files: path }));
    return file.arrayBuffer();
  };
  const ends = await graphEnds(read, modelFile);
  const id = `custom-${slug(spec.label)}`;
  const probe: GraphModelDescriptor = {
    id,
    label: spec.label.trim() || 'Imported model',
    source: `imported by the teacher from ${modelFile}`,
    folder: id,
    format: 'graph-model',
    modelFile,
    inputSize: spec.inputSize,
    pixels: spec.pixels,
    inputName: ends.input,
    outputName: ends.output,
    dimension: 0,
    crop: spec.crop,
    imported: true,
  };
  await tf.ready();
  let dimension: number;
  const embedder = await FaceEmbedder.load(probe, () => read);
  try {
    dimension = await embedder.warmUp();
  } catch (cause) {
    throw new ModelLoadError(modelFile, m.import_does_not_run_size({ size: spec.inputSize, detail: String(cause) }), {
      cause,
    });
  } finally {
    embedder.dispose();
  }
  const descriptor = { ...probe, dimension };
  await importModelFiles(descriptor, files);
  const cache = await caches.open(CACHE);
  await cache.put(keyOf(descriptor, DESCRIPTION), new Response(JSON.stringify(descriptor)));
  return descriptor;
}

/** The models of the teacher's own kept in this browser, with their descriptions. */
export async function importedCustomModels(): Promise<GraphModelDescriptor[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(CACHE);
  const out: GraphModelDescriptor[] = [];
  for (const key of await cache.keys()) {
    if (!key.url.endsWith(`/${DESCRIPTION}`)) continue;
    try {
      const d = (await (await cache.match(key))!.json()) as GraphModelDescriptor;
      if (d.format === 'graph-model' && d.id.startsWith('custom-') && d.dimension > 0) out.push(d);
    } catch {
      // A damaged description: the model is not offered; importing it again replaces it.
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

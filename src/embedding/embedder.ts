/**
 * Turns detected faces into L2-normalised embeddings: aligns each face on the backend (one crop and one
 * warp for the whole batch), scales the pixels as the model wants, runs the model once for the batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { AssetReader } from '../core/assets';
import { ModelLoadError } from '../core/errors';
import type { FaceDetection } from '../core/types';
import { applySimilarity, fitSimilarity, scaledTemplate } from './align';
import { loadDlibResnet } from './dlib-resnet';
import { loadCheckedGraphModel, type GraphLoadOptions } from './graph-model';
import { networksOf, type EmbeddingModelDescriptor, type GraphModelDescriptor, type NetworkDescriptor } from './models';

export interface EmbedOptions {
  /** Also embeds the mirrored face and averages the two (test-time augmentation). Defaults to false. */
  readonly flip?: boolean;
  /** Embeds the mirror image of each face instead of the face (a second enrolment sample). Defaults to false. */
  readonly mirror?: boolean;
}

/** What the embedder needs of a network: a batch of scaled crops in, one row a face out. */
interface EmbeddingNet {
  run(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

function graphNet(model: GraphModel, d: GraphModelDescriptor): EmbeddingNet {
  return {
    run(x) {
      const feeds: tf.NamedTensorMap = { [d.inputName]: x };
      for (const [name, value] of Object.entries(d.constantInputs ?? {})) {
        feeds[name] = typeof value === 'boolean' ? tf.scalar(value, 'bool') : tf.scalar(value);
      }
      const out = model.execute(feeds, d.outputName) as tf.Tensor;
      return tf.reshape(out, [x.shape[0], -1]);
    },
    dispose: () => model.dispose(),
  };
}

/** One loader per network format: adding a model is a descriptor and, at most, a loader here. */
const LOADERS: {
  readonly [F in NetworkDescriptor['format']]: (
    d: Extract<NetworkDescriptor, { format: F }>,
    read: AssetReader,
    options: GraphLoadOptions,
  ) => Promise<EmbeddingNet>;
} = {
  'graph-model': async (d, read, options) => graphNet(await loadCheckedGraphModel(read, d.modelFile, options), d),
  'dlib-resnet': (d, read) => loadDlibResnet(read, d.modelFile),
};

function loadNetwork(d: NetworkDescriptor, read: AssetReader, options: GraphLoadOptions): Promise<EmbeddingNet> {
  return d.format === 'graph-model'
    ? LOADERS['graph-model'](d, read, options)
    : LOADERS['dlib-resnet'](d, read, options);
}

/** One network with its descriptor: cuts each face out its own way and embeds it. */
interface Part {
  readonly descriptor: NetworkDescriptor;
  readonly net: EmbeddingNet;
}

/** The crops a network wants ([n, size, size, 3], 0..255; the caller owns them). */
export function cropFaces(d: NetworkDescriptor, frame: tf.Tensor3D, faces: readonly FaceDetection[]): tf.Tensor4D {
  return d.crop.method === 'aligned'
    ? alignFaces(frame, faces, d.inputSize, d.crop.zoom)
    : marginCrops(frame, faces, d.inputSize, d.crop.margin);
}

/**
 * Turns detected faces into L2-normalised embeddings with the network(s) of one model descriptor. Where the
 * descriptor fuses several networks, each part is normalised and scaled by 1/√(parts) before they are put
 * side by side, so the whole has unit length.
 */
export class FaceEmbedder {
  private parts: readonly Part[] | null;

  private constructor(
    parts: readonly Part[],
    readonly descriptor: EmbeddingModelDescriptor,
  ) {
    this.parts = parts;
  }

  /**
   * Loads the files of every network of `descriptor`, each through the reader `readerFor` gives for it
   * (pointing at that network's folder).
   */
  static async load(
    descriptor: EmbeddingModelDescriptor,
    readerFor: (network: NetworkDescriptor) => AssetReader,
    options: GraphLoadOptions = {},
  ): Promise<FaceEmbedder> {
    const parts: Part[] = [];
    try {
      for (const network of networksOf(descriptor)) {
        parts.push({ descriptor: network, net: await loadNetwork(network, readerFor(network), options) });
      }
      return new FaceEmbedder(parts, descriptor);
    } catch (error) {
      parts.forEach((p) => p.net.dispose());
      const missing = networksOf(descriptor).find(
        (n) => n.imported && error instanceof ModelLoadError && error.file === n.modelFile,
      );
      if (missing) {
        throw new ModelLoadError(
          missing.modelFile,
          `${missing.label} is not imported: convert it with tensorflowjs_converter (see docs/recognition.md) and put ` +
            `the folder at public/models/${missing.folder}/, or import it in Settings.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** One L2-normalised embedding a face, in the order given. [] for no faces. */
  async embedFaces(
    frame: tf.Tensor3D,
    faces: readonly FaceDetection[],
    options: EmbedOptions = {},
  ): Promise<Float32Array[]> {
    const parts = this.requireParts();
    if (faces.length === 0) return [];
    const out = tf.tidy(() => {
      const scale = 1 / Math.sqrt(parts.length);
      const embedded = parts.map((part) => {
        const cut = cropFaces(part.descriptor, frame, faces);
        const crops = options.mirror ? tf.reverse(cut, 2) : cut;
        let emb = this.run(part, crops);
        if (options.flip) emb = tf.add(emb, this.run(part, tf.reverse(crops, 2)));
        return tf.mul(tf.div(emb, tf.maximum(tf.norm(emb, 'euclidean', 1, true), 1e-12)), scale);
      });
      return embedded.length === 1 ? embedded[0]! : tf.concat(embedded, 1);
    });
    const data = (await out.data()) as Float32Array;
    const d = out.shape[1]!;
    out.dispose();
    return faces.map((_, i) => data.slice(i * d, (i + 1) * d));
  }

  /**
   * Embeddings of crops already cut as this model's single network wants them ([n, size, size, 3], 0..255;
   * the caller keeps them). A fused model has no single crop: use `embedFaces`.
   */
  async embedCrops(crops: tf.Tensor4D): Promise<Float32Array[]> {
    const parts = this.requireParts();
    if (parts.length !== 1) throw new Error(`${this.descriptor.label} fuses several networks: use embedFaces.`);
    const out = tf.tidy(() => {
      const emb = this.run(parts[0]!, crops);
      return tf.div(emb, tf.maximum(tf.norm(emb, 'euclidean', 1, true), 1e-12));
    });
    const data = (await out.data()) as Float32Array;
    const d = out.shape[1]!;
    out.dispose();
    return Array.from({ length: crops.shape[0] }, (_, i) => data.slice(i * d, (i + 1) * d));
  }

  /** Runs every network once on a blank input (compiling WebGL shaders); gives the embedding's length. */
  async warmUp(): Promise<number> {
    const parts = this.requireParts();
    const out = tf.tidy(() =>
      tf.concat(
        parts.map((part) => {
          const size = part.descriptor.inputSize;
          return tf.reshape(this.run(part, tf.zeros([1, size, size, 3])), [1, -1]);
        }),
        1,
      ),
    );
    await out.data();
    const dimension = out.shape[1]!;
    out.dispose();
    return dimension;
  }

  dispose(): void {
    this.parts?.forEach((p) => p.net.dispose());
    this.parts = null;
  }

  private requireParts(): readonly Part[] {
    if (!this.parts) throw new Error('This FaceEmbedder was disposed; load a new one.');
    return this.parts;
  }

  private run(part: Part, crops: tf.Tensor4D): tf.Tensor2D {
    return part.net.run(scalePixels(crops, part.descriptor.pixels));
  }
}

function scalePixels(x: tf.Tensor4D, pixels: NetworkDescriptor['pixels']): tf.Tensor4D {
  switch (pixels) {
    case '0..255':
      return x;
    case '0..1':
      return tf.div(x, 255);
    case '-1..1':
      return tf.sub(tf.div(x, 127.5), 1);
    case 'prewhiten': {
      // FaceNet's per-image standardisation.
      const { mean, variance } = tf.moments(x, [1, 2, 3], true);
      const n = x.shape[1] * x.shape[2] * x.shape[3];
      const std = tf.maximum(tf.sqrt(variance), 1 / Math.sqrt(n));
      return tf.div(tf.sub(x, mean), std);
    }
  }
}

/**
 * The part of the frame a crop needs, cut exactly (a slice, no resampling) and, where the face is at least
 * twice as large as the crop wants it, shrunk by a whole factor with area averaging. Resampling straight from
 * a large frame aliases (a 6,000 px photo's face came out grainy), and the WebAssembly backend's
 * `cropAndResize` and `transform` lose pixel precision on frames of more than 2^24 values (a 4,032 × 3,024
 * photo's crop came out striped in Chromium), so neither ever sees the whole frame. `step` is frame pixels
 * per crop pixel. Returns a [1, h, w, 3] float tensor (the caller owns it; outside the frame it is cut off)
 * and how window pixels relate to frame pixels: frame = origin + factor·window + (factor − 1)/2.
 */
function faceWindow(
  frame: tf.Tensor3D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  step: number,
): { window: tf.Tensor4D; ox: number; oy: number; factor: number } {
  const [height, width] = frame.shape;
  const factor = step >= 2 ? Math.floor(step) : 1;
  // One pixel beyond the bilinear footprint, and a whole number of averaging cells.
  const ox = Math.max(0, Math.floor(x0) - factor);
  const oy = Math.max(0, Math.floor(y0) - factor);
  const ex = Math.min(width, Math.ceil(x1) + 1 + factor);
  const ey = Math.min(height, Math.ceil(y1) + 1 + factor);
  // A face wholly outside the frame gets an empty (black) window.
  if (ex - ox < factor || ey - oy < factor) return { window: tf.zeros([1, 1, 1, 3]), ox: 0, oy: 0, factor: 1 };
  return tf.tidy(() => {
    const cut = tf.cast(tf.slice(frame, [oy, ox, 0], [ey - oy, ex - ox, 3]), 'float32');
    const batch = tf.expandDims<tf.Tensor4D>(cut, 0);
    const window = factor > 1 ? tf.avgPool(batch, factor, factor, 'valid') : batch;
    return { window, ox, oy, factor };
  });
}

/**
 * Warps each face so its five landmarks land on the zoomed ArcFace template of a `size`×`size` crop: per
 * face, the window it needs is cut from the frame (see `faceWindow`) and warped with the face's own
 * similarity. Returns [n, size, size, 3] float 0..255 (the caller owns it).
 */
export function alignFaces(
  frame: tf.Tensor3D,
  faces: readonly FaceDetection[],
  size: number,
  zoom: number,
): tf.Tensor4D {
  if (faces.length === 0) return tf.zeros([0, size, size, 3]);
  const template = scaledTemplate(size, zoom);
  return tf.tidy(() => {
    const crops = faces.map((face) => {
      // Output (crop) pixels → frame pixels.
      const t = fitSimilarity(template, face.landmarks);
      const corners = [
        { x: 0, y: 0 },
        { x: size - 1, y: 0 },
        { x: 0, y: size - 1 },
        { x: size - 1, y: size - 1 },
      ].map((p) => applySimilarity(t, p));
      const xs = corners.map((p) => p.x);
      const ys = corners.map((p) => p.y);
      const step = Math.hypot(t.a, t.b);
      const w = faceWindow(frame, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), step);
      // Output → window pixels: the frame transform, shifted to the window and divided by its factor.
      const f = w.factor;
      const shift = (f - 1) / 2;
      const transform = [
        t.a / f,
        -t.b / f,
        (t.tx - w.ox - shift) / f,
        t.b / f,
        t.a / f,
        (t.ty - w.oy - shift) / f,
        0,
        0,
      ];
      return tf.image.transform(w.window, tf.tensor2d(transform, [1, 8]), 'bilinear', 'constant', 0, [size, size]);
    });
    return crops.length === 1 ? crops[0]! : tf.concat(crops, 0);
  });
}

/**
 * FaceNet's crop (its `align_dataset_mtcnn.py` and the original app): the detection box grown by `margin`
 * pixels in all, clipped to the frame, resized to `size`×`size` (through `faceWindow`, as `alignFaces`).
 */
export function marginCrops(
  frame: tf.Tensor3D,
  faces: readonly FaceDetection[],
  size: number,
  margin: number,
): tf.Tensor4D {
  if (faces.length === 0) return tf.zeros([0, size, size, 3]);
  const [height, width] = frame.shape;
  return tf.tidy(() => {
    const crops = faces.map(({ box }) => {
      const x1 = Math.max(box.x - margin / 2, 0);
      const y1 = Math.max(box.y - margin / 2, 0);
      const x2 = Math.min(box.x + box.width + margin / 2, width);
      const y2 = Math.min(box.y + box.height + margin / 2, height);
      const step = Math.max(x2 - x1, y2 - y1) / size;
      const w = faceWindow(frame, x1, y1, x2, y2, step);
      // cropAndResize samples from the first to the last pixel of its box: frame x1…x2 in window pixels.
      const [, wh, ww] = w.window.shape;
      const at = (v: number, o: number): number => (v - o - (w.factor - 1) / 2) / w.factor;
      const boxes = [
        at(y1, w.oy) / Math.max(wh - 1, 1),
        at(x1, w.ox) / Math.max(ww - 1, 1),
        at(y2, w.oy) / Math.max(wh - 1, 1),
        at(x2, w.ox) / Math.max(ww - 1, 1),
      ];
      return tf.image.cropAndResize(
        w.window,
        tf.tensor2d([boxes]),
        tf.zeros([1], 'int32'),
        [size, size],
        'bilinear',
        0,
      );
    });
    return crops.length === 1 ? crops[0]! : tf.concat(crops, 0);
  });
}

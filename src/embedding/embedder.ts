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
import { loadCheckedGraphModel } from './graph-model';
import type { EmbeddingModelDescriptor } from './models';

export interface EmbedOptions {
  /** Also embeds the mirrored face and averages the two (test-time augmentation). Defaults to false. */
  readonly flip?: boolean;
}

/** What the embedder needs of a network: a batch of scaled crops in, one row a face out. */
interface EmbeddingNet {
  run(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

function graphNet(model: GraphModel, d: EmbeddingModelDescriptor): EmbeddingNet {
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

export class FaceEmbedder {
  private model: EmbeddingNet | null;

  private constructor(
    model: EmbeddingNet,
    readonly descriptor: EmbeddingModelDescriptor,
  ) {
    this.model = model;
  }

  /** Loads the model files of `descriptor` through `read` (which points at the model's folder). */
  static async load(descriptor: EmbeddingModelDescriptor, read: AssetReader): Promise<FaceEmbedder> {
    try {
      const net =
        descriptor.format === 'dlib-resnet'
          ? await loadDlibResnet(read, descriptor.modelFile)
          : graphNet(await loadCheckedGraphModel(read, descriptor.modelFile), descriptor);
      return new FaceEmbedder(net, descriptor);
    } catch (error) {
      if (descriptor.imported && error instanceof ModelLoadError && error.file === descriptor.modelFile) {
        throw new ModelLoadError(
          descriptor.modelFile,
          `${descriptor.label} is not imported: convert it with tensorflowjs_converter (see the README) and put ` +
            `the folder at public/models/${descriptor.folder}/, or import it in Settings.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * The aligned face crops as a [n, size, size, 3] float tensor of 0..255 pixels, which the caller owns
   * (for thumbnails and quality checks as well as for embedding).
   */
  alignFaces(frame: tf.Tensor3D, faces: readonly FaceDetection[]): tf.Tensor4D {
    const { crop, inputSize } = this.descriptor;
    return crop.method === 'aligned'
      ? alignFaces(frame, faces, inputSize, crop.zoom)
      : marginCrops(frame, faces, inputSize, crop.margin);
  }

  /** One L2-normalised embedding a face, in the order given. [] for no faces. */
  async embedFaces(
    frame: tf.Tensor3D,
    faces: readonly FaceDetection[],
    options: EmbedOptions = {},
  ): Promise<Float32Array[]> {
    const model = this.requireModel();
    if (faces.length === 0) return [];
    const out = tf.tidy(() => {
      const crops = this.alignFaces(frame, faces);
      let emb = this.run(model, crops);
      if (options.flip) emb = tf.add(emb, this.run(model, tf.reverse(crops, 2)));
      return tf.div(emb, tf.maximum(tf.norm(emb, 'euclidean', 1, true), 1e-12));
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    const d = this.descriptor.dimension;
    return faces.map((_, i) => data.slice(i * d, (i + 1) * d));
  }

  /** Embeddings of crops that are already aligned ([n, size, size, 3], 0..255); the caller keeps `crops`. */
  async embedAligned(crops: tf.Tensor4D): Promise<Float32Array[]> {
    const model = this.requireModel();
    const out = tf.tidy(() => {
      const emb = this.run(model, crops);
      return tf.div(emb, tf.maximum(tf.norm(emb, 'euclidean', 1, true), 1e-12));
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    const d = this.descriptor.dimension;
    return Array.from({ length: crops.shape[0] }, (_, i) => data.slice(i * d, (i + 1) * d));
  }

  async warmUp(): Promise<void> {
    const model = this.requireModel();
    const size = this.descriptor.inputSize;
    const out = tf.tidy(() => this.run(model, tf.zeros([1, size, size, 3])));
    await out.data();
    out.dispose();
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }

  private requireModel(): EmbeddingNet {
    if (!this.model) throw new Error('This FaceEmbedder was disposed; load a new one.');
    return this.model;
  }

  private run(model: EmbeddingNet, crops: tf.Tensor4D): tf.Tensor2D {
    return model.run(scalePixels(crops, this.descriptor.pixels));
  }
}

function scalePixels(x: tf.Tensor4D, pixels: EmbeddingModelDescriptor['pixels']): tf.Tensor4D {
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
 * Warps each face so its five landmarks land on the zoomed ArcFace template of a `size`×`size` crop.
 * First a square window around the face is cut from the frame (one batched crop), then each window is warped
 * with its own similarity (one batched transform).
 */
export function alignFaces(
  frame: tf.Tensor3D,
  faces: readonly FaceDetection[],
  size: number,
  zoom: number,
): tf.Tensor4D {
  const [height, width] = frame.shape;
  const template = scaledTemplate(size, zoom);
  const windows: number[] = [];
  const transforms: number[] = [];
  for (const face of faces) {
    // Output (crop) pixels → frame pixels.
    const t = fitSimilarity(template, face.landmarks);
    const corners = [
      { x: 0, y: 0 },
      { x: size, y: 0 },
      { x: 0, y: size },
      { x: size, y: size },
    ].map((p) => applySimilarity(t, p));
    const x0 = Math.min(...corners.map((p) => p.x));
    const y0 = Math.min(...corners.map((p) => p.y));
    const side = Math.max(Math.max(...corners.map((p) => p.x)) - x0, Math.max(...corners.map((p) => p.y)) - y0);
    const step = side / size;
    // cropAndResize samples row i at y1·(H−1) + i·(y2−y1)·(H−1)/(size−1): put them at y0 + i·step.
    const last = (size - 1) * step;
    windows.push(
      y0 / Math.max(height - 1, 1),
      x0 / Math.max(width - 1, 1),
      (y0 + last) / Math.max(height - 1, 1),
      (x0 + last) / Math.max(width - 1, 1),
    );
    // Output → window pixels: divide the frame transform by the step and shift by the window origin.
    transforms.push(t.a / step, -t.b / step, (t.tx - x0) / step, t.b / step, t.a / step, (t.ty - y0) / step, 0, 0);
  }
  return tf.tidy(() => {
    const batch = tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0);
    const windowsT = tf.tensor2d(windows, [faces.length, 4]);
    const crops = tf.image.cropAndResize(
      batch,
      windowsT,
      tf.zeros<tf.Rank.R1>([faces.length], 'int32'),
      [size, size],
      'bilinear',
      0,
    );
    return tf.image.transform(crops, tf.tensor2d(transforms, [faces.length, 8]), 'bilinear', 'constant', 0, [
      size,
      size,
    ]);
  });
}

/**
 * FaceNet's crop (its `align_dataset_mtcnn.py` and the original app): the detection box grown by `margin`
 * pixels in all, clipped to the frame, resized to `size`×`size`.
 */
export function marginCrops(
  frame: tf.Tensor3D,
  faces: readonly FaceDetection[],
  size: number,
  margin: number,
): tf.Tensor4D {
  const [height, width] = frame.shape;
  const windows = faces.flatMap(({ box }) => {
    const x1 = Math.max(box.x - margin / 2, 0);
    const y1 = Math.max(box.y - margin / 2, 0);
    const x2 = Math.min(box.x + box.width + margin / 2, width);
    const y2 = Math.min(box.y + box.height + margin / 2, height);
    return [
      y1 / Math.max(height - 1, 1),
      x1 / Math.max(width - 1, 1),
      y2 / Math.max(height - 1, 1),
      x2 / Math.max(width - 1, 1),
    ];
  });
  return tf.tidy(() =>
    tf.image.cropAndResize(
      tf.expandDims<tf.Tensor4D>(tf.cast(frame, 'float32'), 0),
      tf.tensor2d(windows, [faces.length, 4]),
      tf.zeros<tf.Rank.R1>([faces.length], 'int32'),
      [size, size],
      'bilinear',
      0,
    ),
  );
}

/** Descriptors of the face-embedding models the app knows, and how each wants its input. */

/** How crop pixels (0..255) are scaled before the model; 'raw' leaves it to the network itself. */
export type PixelScaling = '0..255' | '0..1' | '-1..1' | 'prewhiten';

export interface EmbeddingModelDescriptor {
  /** Stable id, stored with every embedding and classifier. */
  readonly id: string;
  readonly label: string;
  /** Where the weights come from (package, version, file) and their licence. */
  readonly source: string;
  /** Folder under `public/models/`. */
  readonly folder: string;
  /**
   * 'graph-model': a TensorFlow.js graph (`modelFile` is its model.json); 'dlib-resnet': a weights
   * manifest (`modelFile`) for the ResNet-34 written out in `dlib-resnet.ts`.
   */
  readonly format: 'graph-model' | 'dlib-resnet';
  /** The model.json or weights manifest inside `folder`. */
  readonly modelFile: string;
  /** Square input side in pixels. */
  readonly inputSize: number;
  readonly pixels: PixelScaling;
  /** Name of the graph input to feed the face batch to. */
  readonly inputName: string;
  /** Name of the output node that holds the embedding. */
  readonly outputName: string;
  readonly dimension: number;
  /**
   * How the face is cut out: a five-point similarity alignment to the ArcFace template zoomed by `zoom`
   * (below 1: looser crop), or FaceNet's crop of the detection box grown by `margin` pixels in all
   * (half on each side), clipped to the frame.
   */
  readonly crop:
    { readonly method: 'aligned'; readonly zoom: number } | { readonly method: 'margin'; readonly margin: number };
  /** Further graph inputs and the value each is fed (FaceNet: `phase_train` false). */
  readonly constantInputs?: Readonly<Record<string, boolean | number>>;
  /** True for models the teacher brings (imported), which are not shipped with the app. */
  readonly imported?: boolean;
}

/**
 * HSE FaceRes (VGGFace2-trained, MobileNet-based), converted by the Human project: 224×224 RGB fed
 * 0..255, 1,024-d descriptor from `global_pooling/Mean` (the graph also has age and gender heads).
 */
export const FACERES: EmbeddingModelDescriptor = {
  id: 'faceres',
  label: 'FaceRes (HSE, 1,024-d)',
  source: 'npm @vladmandic/human@3.3.6 models/faceres.json + faceres.bin (MIT package)',
  folder: 'faceres',
  format: 'graph-model',
  modelFile: 'faceres.json',
  inputSize: 224,
  pixels: '0..255',
  inputName: 'input_1',
  outputName: 'global_pooling/Mean',
  dimension: 1024,
  crop: { method: 'aligned', zoom: 1 },
};

/**
 * The original system's FaceNet (20180402-114759: Inception-ResNet-v1 trained on VGGFace2, 512-d, LFW
 * 99.65%). Its weights cannot be downloaded here; whoever has the model converts it (README) and places the
 * converted folder at `public/models/facenet/` before building, or imports it in the app.
 */
export const FACENET: EmbeddingModelDescriptor = {
  id: 'facenet-20180402-114759',
  label: 'FaceNet 20180402-114759 (512-d, imported)',
  source: 'converted by the user from the FaceNet repository (MIT) with tensorflowjs_converter',
  folder: 'facenet',
  format: 'graph-model',
  modelFile: 'model.json',
  inputSize: 160,
  pixels: 'prewhiten',
  inputName: 'input',
  outputName: 'embeddings',
  dimension: 512,
  crop: { method: 'margin', margin: 32 },
  constantInputs: { phase_train: false },
  imported: true,
};

/**
 * dlib's ResNet-34 (LFW 99.38% as published) with face-api.js's weights: 150×150, 128-d; it normalises
 * its input itself (mean RGB, /256), so it is fed 0..255. Crops are tight, as dlib's chips are.
 */
export const RESNET34: EmbeddingModelDescriptor = {
  id: 'dlib-resnet34',
  label: 'ResNet-34 (dlib, 128-d)',
  source: 'npm @vladmandic/face-api@1.7.15 model/face_recognition_model.* (MIT package)',
  folder: 'resnet34',
  format: 'dlib-resnet',
  modelFile: 'face_recognition_model-weights_manifest.json',
  inputSize: 150,
  pixels: '0..255',
  inputName: 'input',
  outputName: 'descriptor',
  dimension: 128,
  crop: { method: 'aligned', zoom: 1.25 },
};

export const EMBEDDING_MODELS: readonly EmbeddingModelDescriptor[] = [FACERES, RESNET34, FACENET];
export const DEFAULT_EMBEDDING_MODEL = FACERES;

export function embeddingModelById(id: string): EmbeddingModelDescriptor {
  const found = EMBEDDING_MODELS.find((m) => m.id === id);
  if (!found)
    throw new RangeError(`Unknown embedding model "${id}"; known: ${EMBEDDING_MODELS.map((m) => m.id).join(', ')}.`);
  return found;
}

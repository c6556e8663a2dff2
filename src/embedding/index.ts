export { FaceEmbedder, alignFaces, cropFaces, marginCrops, type EmbedOptions } from './embedder';
export {
  DEFAULT_EMBEDDING_MODEL,
  EMBEDDING_MODELS,
  embeddingModelById,
  networksOf,
  type EmbeddingModelDescriptor,
  type FusedDescriptor,
  type GraphModelDescriptor,
  type NetworkDescriptor,
  type OpenSetPrior,
} from './models';

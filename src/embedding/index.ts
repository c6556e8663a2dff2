export { FaceEmbedder, alignFaces, marginCrops, type EmbedOptions } from './embedder';
export { DEFAULT_EMBEDDING_MODEL, EMBEDDING_MODELS, embeddingModelById, type EmbeddingModelDescriptor } from './models';

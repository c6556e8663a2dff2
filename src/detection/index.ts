export { MtcnnDetector } from './mtcnn';
export { DEFAULT_MTCNN_OPTIONS, resolveMtcnnOptions, type MtcnnOptions, type ResolvedMtcnnOptions } from './options';
export { MTCNN_INDEX_FILE, MTCNN_NETS } from './model-files';

export { MtcnnDetector } from './mtcnn';
export { DEFAULT_MTCNN_OPTIONS, resolveMtcnnOptions, type MtcnnOptions, type ResolvedMtcnnOptions } from './options';
export { MTCNN_INDEX_FILE, MTCNN_NETS } from './model-files';
export {
  DEFAULT_DETECTOR,
  DEFAULT_LIVE_DETECTOR,
  DETECTORS,
  detectorEntry,
  type DetectOptions,
  type DetectorEntry,
  type DetectorId,
  type FaceDetector,
  type SharedNets,
} from './detector';
export { BlazeFaceDetector, type BlazeModel, type BlazeOptions } from './blazeface';

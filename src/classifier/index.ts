export { trainClassifier, type TrainingSample, type TrainOptions } from './training';
export { predict, type Prediction } from './prediction';
export {
  CLASSIFIER_FORMAT,
  deserializeClassifier,
  serializeClassifier,
  type ClassifierSnapshot,
  type DuplicatePair,
  type ThresholdSource,
} from './snapshot';
export {
  DEFAULT_DUPLICATE_SIMILARITY,
  MAYBE_FALSE_ACCEPT,
  matchScore,
  PRIOR_WEIGHT,
  RIVAL_WEIGHT,
  type ThresholdPrior,
} from './open-set';
export { dot, quantile } from './stats';

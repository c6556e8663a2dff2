/// <reference lib="webworker" />
/** Web Worker entry: trains the classifier off the main thread and reports progress. */
import { trainClassifier, type TrainOptions } from '../classifier';
import { errorToPlain } from '../core/errors';
import type { TrainReply, TrainRequest } from './training';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<TrainRequest>) => {
  const { samples, options } = event.data;
  try {
    const snapshot = trainClassifier(samples, {
      ...(options as TrainOptions),
      onProgress: (fraction) => scope.postMessage({ kind: 'progress', fraction } satisfies TrainReply),
    });
    scope.postMessage({ kind: 'done', snapshot } satisfies TrainReply);
  } catch (error) {
    scope.postMessage({ kind: 'error', error: errorToPlain(error) } satisfies TrainReply);
  }
};

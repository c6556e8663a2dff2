/** Trains the classifier in a Web Worker, so the page stays responsive, with progress. */
import type { ClassifierSnapshot, TrainOptions, TrainingSample } from '../classifier/classifier';
import { ValidationError } from '../core/errors';

export interface TrainRequest {
  readonly samples: readonly TrainingSample[];
  readonly options: Omit<TrainOptions, 'onProgress'>;
}

export type TrainReply =
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'done'; readonly snapshot: ClassifierSnapshot }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };

export function trainInWorker(
  samples: readonly TrainingSample[],
  options: Omit<TrainOptions, 'onProgress'>,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<ClassifierSnapshot> {
  const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ClassifierSnapshot>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<TrainReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') {
        onProgress(reply.fraction);
        return;
      }
      worker.terminate();
      if (reply.kind === 'done') resolve(reply.snapshot);
      else reject(reply.name === 'ValidationError' ? new ValidationError(reply.message) : new Error(reply.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`The training worker failed: ${event.message}. Reload the page and try again.`));
    };
    worker.postMessage({ samples, options } satisfies TrainRequest);
  });
}

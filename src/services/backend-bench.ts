/**
 * The engine picks its backend by measuring: a short stand-in for a live frame's work (a P-Net-sized
 * convolution stack over a 320×240 picture and an embedding-sized one over a 112×112 face, read back to
 * the CPU as the detector's stages are) runs on each backend that starts, and the fastest is used. The
 * choice is kept per device (see `deviceKey`), so it is measured once, at the first start or when the
 * teacher asks, and not at every lesson. No DOM: it runs in the engine's worker.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './tf-backend';

/** A measured choice, as kept for this device. */
export interface MeasuredBackend {
  /** The device it was measured on (see `deviceKey`); another device measures again. */
  readonly key: string;
  readonly backend: BackendName;
  /** The stand-in frame's time on each backend measured, ms (best of the timed runs). */
  readonly ms: Readonly<Partial<Record<BackendName, number>>>;
  /** When, as an ISO time. */
  readonly at: string;
}

/** Timed runs after the first (the first compiles WebGL's shaders and warms WebAssembly's memory). */
const TIMED_RUNS = 3;

/**
 * What a measurement holds for: the GPU (or none), the cores and the browser's version. A new GPU driver,
 * another computer or a browser update measures again.
 */
export function deviceKey(gpu: string | null, cores: number, userAgent: string): string {
  const browser = /(Chrome|Firefox|Edg|Safari)\/(\d+)/.exec(userAgent);
  return [gpu ?? 'no WebGL', `${cores} cores`, browser ? `${browser[1]} ${browser[2]}` : userAgent].join(' | ');
}

/** Seeded weights of `shape` (values in ±0.1): the same work on every backend and every run. */
function weights(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -0.1, 0.1, 'float32', seed);
}

interface Workload {
  run(): Promise<void>;
  dispose(): void;
}

/** The stand-in frame, on the backend in use. */
function workload(): Workload {
  const picture = tf.tidy(() => tf.randomUniform([1, 240, 320, 3], -1, 1, 'float32', 7));
  const face = tf.tidy(() => tf.randomUniform([1, 112, 112, 3], -1, 1, 'float32', 8));
  const pnet = [
    weights([3, 3, 3, 10], 1),
    weights([3, 3, 10, 16], 2),
    weights([3, 3, 16, 32], 3),
    weights([1, 1, 32, 6], 4),
  ];
  const embed = [weights([3, 3, 3, 32], 5), weights([3, 3, 32, 64], 6), weights([3, 3, 64, 128], 7)];
  return {
    async run() {
      const [scores, face128] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        let x = tf.relu(tf.conv2d(picture as tf.Tensor4D, pnet[0] as tf.Tensor4D, 1, 'valid'));
        x = tf.maxPool(x, 2, 2, 'same');
        x = tf.relu(tf.conv2d(x, pnet[1] as tf.Tensor4D, 1, 'valid'));
        x = tf.relu(tf.conv2d(x, pnet[2] as tf.Tensor4D, 1, 'valid'));
        const out = tf.conv2d(x, pnet[3] as tf.Tensor4D, 1, 'valid');
        let y = tf.relu(tf.conv2d(face as tf.Tensor4D, embed[0] as tf.Tensor4D, 2, 'same'));
        y = tf.relu(tf.conv2d(y, embed[1] as tf.Tensor4D, 1, 'same'));
        y = tf.relu(tf.conv2d(y, embed[2] as tf.Tensor4D, 2, 'same'));
        return [tf.softmax(out), tf.mean(y, [1, 2])];
      });
      // Read back, as the detector does between its stages: on WebGL the readback is a large part of the cost.
      await Promise.all([scores.data(), face128.data()]);
      scores.dispose();
      face128.dispose();
    },
    dispose() {
      tf.dispose([picture, face, ...pnet, ...embed]);
    },
  };
}

/** The stand-in frame's time on the backend in use, ms: the best of the timed runs after a first untimed one. */
export async function measureCurrentBackend(now: () => number = () => performance.now()): Promise<number> {
  const work = workload();
  try {
    await work.run();
    let best = Infinity;
    for (let i = 0; i < TIMED_RUNS; i++) {
      const started = now();
      await work.run();
      best = Math.min(best, now() - started);
    }
    return Math.round(best * 10) / 10;
  } finally {
    work.dispose();
  }
}

/**
 * Measures each candidate that starts (`use` sets it and says whether it did; `measure` times the stand-in on
 * it) and returns the fastest with every time, or null where none started. Ties go to the earlier candidate.
 */
export async function pickFastest(
  candidates: readonly BackendName[],
  use: (name: BackendName) => Promise<boolean>,
  measure: () => Promise<number>,
): Promise<{ backend: BackendName; ms: Partial<Record<BackendName, number>> } | null> {
  const ms: Partial<Record<BackendName, number>> = {};
  let best: BackendName | null = null;
  for (const name of candidates) {
    if (!(await use(name))) continue;
    try {
      ms[name] = await measure();
    } catch {
      continue;
    }
    if (best === null || (ms[name] ?? Infinity) < (ms[best] ?? Infinity)) best = name;
  }
  return best === null ? null : { backend: best, ms };
}

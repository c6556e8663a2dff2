/**
 * The measuring half of `npm run bench:detect`, shared by Node and the browser page: every detector on the
 * same frames and backend, in one process, taking turns frame by frame so that none gets a warmer machine.
 */
import { matchBoxes, squareAboutCentre } from '../../src/core/geometry';
import type { Box } from '../../src/core/types';

export type DetectFn = (frameIndex: number, minFaceSize: number) => Promise<Box[]>;

export interface Implementation {
  readonly name: string;
  readonly detect: DetectFn;
}

export interface ImplStats {
  readonly name: string;
  readonly medianMs: number;
  readonly faces: number;
  /** Mean IoU with the first implementation's boxes (both squared about their centres), pairs with IoU ≥ 0.3. */
  readonly meanIou: number;
  readonly matched: number;
  /** This implementation's median time over the first one's. */
  readonly timeRatio: number;
}

export interface BenchRow {
  readonly environment: string;
  readonly backend: string;
  readonly minFaceSize: number;
  readonly frames: number;
  readonly reps: number;
  readonly results: readonly ImplStats[];
}

export interface BenchInput {
  readonly environment: string;
  readonly backend: string;
  readonly frames: number;
  readonly reps: number;
  readonly minFaceSizes: readonly number[];
  /** The first is the reference the others are compared with. */
  readonly implementations: readonly Implementation[];
  readonly log?: (line: string) => void;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runDetectBench(input: BenchInput): Promise<BenchRow[]> {
  const impls = input.implementations;
  const rows: BenchRow[] = [];
  for (const minFaceSize of input.minFaceSizes) {
    // One untimed frame each first: shader compilation, caches, lazy set-up.
    for (const impl of impls) await impl.detect(0, minFaceSize);
    const times = impls.map(() => [] as number[]);
    const boxes = impls.map(() => [] as Box[][]);
    for (let rep = 0; rep < input.reps; rep++) {
      for (let f = 0; f < input.frames; f++) {
        const order = impls.map((_, i) => i);
        if (rep % 2 === 1) order.reverse();
        for (const i of order) {
          const started = performance.now();
          const found = await impls[i]!.detect(f, minFaceSize);
          times[i]!.push(performance.now() - started);
          if (rep === 0) boxes[i]![f] = found.map(squareAboutCentre);
        }
      }
      input.log?.(`  ${input.environment} ${input.backend} min face ${minFaceSize}: rep ${rep + 1}/${input.reps} done`);
    }
    const reference = median(times[0]!);
    const results = impls.map((impl, i): ImplStats => {
      const ious: number[] = [];
      for (let f = 0; f < input.frames; f++) {
        ious.push(...matchBoxes(boxes[0]![f]!, boxes[i]![f]!, 0.3).map((m) => m.iou));
      }
      return {
        name: impl.name,
        medianMs: median(times[i]!),
        faces: boxes[i]!.reduce((n, b) => n + b.length, 0),
        meanIou: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 0,
        matched: ious.length,
        timeRatio: median(times[i]!) / reference,
      };
    });
    rows.push({
      environment: input.environment,
      backend: input.backend,
      minFaceSize,
      frames: input.frames,
      reps: input.reps,
      results,
    });
  }
  return rows;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const header =
    '| where | backend | min face | implementation | ms/frame (median) | × our time | faces found | mean IoU with ours (pairs) |';
  const rule = '|---|---|---:|---|---:|---:|---:|---:|';
  const lines = rows.flatMap((r) =>
    r.results.map(
      (s, i) =>
        `| ${r.environment} | ${r.backend} | ${r.minFaceSize} | ${s.name} | ${s.medianMs.toFixed(0)} | ` +
        `${i === 0 ? '1' : s.timeRatio.toFixed(2)} | ${s.faces} | ${i === 0 ? '–' : `${s.meanIou.toFixed(3)} (${s.matched})`} |`,
    ),
  );
  return [header, rule, ...lines].join('\n');
}

/** face-api.js's `Mtcnn.forward` on one input, its options set as ours, its results as plain boxes. */
export async function faceapiBoxes<I>(
  mtcnn: { forward(input: I, options: object): Promise<{ detection: { box: Box } }[]> },
  input: I,
  minFaceSize: number,
): Promise<Box[]> {
  const found = await mtcnn.forward(input, { minFaceSize, scaleFactor: 0.709, scoreThresholds: [0.6, 0.7, 0.7] });
  return found.map(({ detection: { box: b } }) => ({ x: b.x, y: b.y, width: b.width, height: b.height }));
}

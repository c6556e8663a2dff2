/**
 * The measuring half of `npm run bench:detect`, shared by Node and the browser page: both detectors on the
 * same frames, the same backend, in one process, alternating so that neither gets a warmer machine.
 */
import { matchBoxes, squareAboutCentre } from '../../src/core/geometry';
import type { Box } from '../../src/core/types';

export type DetectFn = (frameIndex: number, minFaceSize: number) => Promise<Box[]>;

export interface ImplStats {
  readonly name: string;
  readonly medianMs: number;
  readonly faces: number;
}

export interface BenchRow {
  readonly environment: string;
  readonly backend: string;
  readonly minFaceSize: number;
  readonly frames: number;
  readonly reps: number;
  readonly ours: ImplStats;
  readonly theirs: ImplStats;
  /** Mean IoU of our boxes, squared about their centres, with face-api.js's (square) boxes, IoU ≥ 0.3 pairs. */
  readonly meanIou: number;
  readonly matched: number;
  /** face-api.js's median time over ours. */
  readonly speedup: number;
}

export interface BenchInput {
  readonly environment: string;
  readonly backend: string;
  readonly frames: number;
  readonly reps: number;
  readonly minFaceSizes: readonly number[];
  readonly ours: DetectFn;
  readonly theirs: DetectFn;
  readonly log?: (line: string) => void;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runDetectBench(input: BenchInput): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const minFaceSize of input.minFaceSizes) {
    // One untimed pass each: shader compilation, caches, lazy set-up.
    await input.ours(0, minFaceSize);
    await input.theirs(0, minFaceSize);
    const times = { ours: [] as number[], theirs: [] as number[] };
    const boxes = { ours: [] as Box[][], theirs: [] as Box[][] };
    for (let rep = 0; rep < input.reps; rep++) {
      for (let f = 0; f < input.frames; f++) {
        for (const which of rep % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const)) {
          const started = performance.now();
          const found = await input[which](f, minFaceSize);
          times[which].push(performance.now() - started);
          if (rep === 0) boxes[which][f] = found;
        }
      }
      input.log?.(`  ${input.environment} ${input.backend} min face ${minFaceSize}: rep ${rep + 1}/${input.reps} done`);
    }
    const ious: number[] = [];
    for (let f = 0; f < input.frames; f++) {
      const m = matchBoxes(boxes.ours[f]!.map(squareAboutCentre), boxes.theirs[f]!, 0.3);
      ious.push(...m.map((x) => x.iou));
    }
    const count = (b: Box[][]): number => b.reduce((n, x) => n + x.length, 0);
    const ours = { name: 'ours', medianMs: median(times.ours), faces: count(boxes.ours) };
    const theirs = { name: 'face-api.js Mtcnn', medianMs: median(times.theirs), faces: count(boxes.theirs) };
    rows.push({
      environment: input.environment,
      backend: input.backend,
      minFaceSize,
      frames: input.frames,
      reps: input.reps,
      ours,
      theirs,
      meanIou: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 0,
      matched: ious.length,
      speedup: theirs.medianMs / ours.medianMs,
    });
  }
  return rows;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const header =
    '| where | backend | min face | face-api.js ms/frame | ours ms/frame | speed-up | faces (face-api.js / ours) | mean IoU (matched) |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.environment} | ${r.backend} | ${r.minFaceSize} | ${r.theirs.medianMs.toFixed(0)} | ${r.ours.medianMs.toFixed(0)} | ` +
      `${r.speedup.toFixed(2)}× | ${r.theirs.faces} / ${r.ours.faces} | ${r.meanIou.toFixed(3)} (${r.matched}) |`,
  );
  return [header, rule, ...lines].join('\n');
}

/**
 * What the teacher is told after training: people and images (as the original showed), samples per
 * student, and warnings: students with too few samples, pairs of students the model confuses (a face of
 * one lies nearer the other's centre than its own), and pairs that look like the same person.
 */
import type { ClassifierSnapshot, DuplicatePair } from './snapshot';
import type { TrainingSample } from './training';

/** Fewer samples than this gets a warning. */
export const FEW_SAMPLES = 5;

export interface LookAlike {
  readonly a: string;
  readonly b: string;
  /** Faces of either that lie nearer the other's centre. */
  readonly confused: number;
}

export interface TrainingSummary {
  readonly people: number;
  readonly images: number;
  readonly perStudent: Readonly<Record<string, number>>;
  readonly fewSamples: readonly string[];
  readonly lookAlikes: readonly LookAlike[];
  /** Students whose photos look like one person's: most likely one student enrolled under two IDs. */
  readonly duplicates: readonly DuplicatePair[];
}

export function summariseTraining(snapshot: ClassifierSnapshot, samples: readonly TrainingSample[]): TrainingSummary {
  const index = new Map(snapshot.classes.map((c, i) => [c, i]));
  const pairs = new Map<string, number>();
  for (const s of samples) {
    const own = index.get(s.label);
    if (own === undefined) continue;
    const sims = snapshot.centroids.map((c) => c.reduce((sum, v, k) => sum + v * s.embedding[k]!, 0));
    let best = own;
    sims.forEach((v, c) => {
      if (v > sims[best]!) best = c;
    });
    if (best === own) continue;
    const [a, b] = [s.label, snapshot.classes[best]!].sort();
    const key = `${a}\u0000${b}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  return {
    people: snapshot.classes.length,
    images: samples.length,
    perStudent: snapshot.sampleCounts,
    fewSamples: snapshot.classes.filter((c) => (snapshot.sampleCounts[c] ?? 0) < FEW_SAMPLES),
    lookAlikes: [...pairs]
      .map(([key, confused]) => {
        const [a, b] = key.split('\u0000') as [string, string];
        return { a, b, confused };
      })
      .sort((x, y) => y.confused - x.confused),
    duplicates: snapshot.duplicates,
  };
}

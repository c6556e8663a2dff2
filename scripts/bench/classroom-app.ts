/** The app's own enrolment, training and live recognition, as `npm run bench:classroom` drives them. */
import * as tf from '@tensorflow/tfjs-core';
import { trainClassifier, type ClassifierSnapshot, type TrainingSample } from '../../src/classifier';
import { embeddingModelById } from '../../src/embedding/models';
import { photoFaces, photoProblem } from '../../src/services/enrolment';
import type { FacePipeline } from '../../src/services/face-pipeline';
import { AttendanceTracker } from '../../src/services/live-tracks';
import { thresholdPriorOf } from '../../src/services/recognition-model';
import type { LiveStep } from '../bench-classroom';

/** A photo through the app's upload path: its face choice, its sharpness rule, its embedding. */
export async function appEnrol(
  pipeline: FacePipeline,
  frame: tf.Tensor3D,
): Promise<{ embeddings: Float32Array[] } | { problem: string }> {
  const result = await pipeline.capture(frame, photoFaces);
  const problem = photoProblem('photo', result);
  if (problem) {
    return { problem: /blurred/.test(problem) ? 'blurred' : /no face/.test(problem) ? 'no face' : 'several faces' };
  }
  return { embeddings: result.captures.map((c) => c.embedding) };
}

export function appTrain(samples: readonly TrainingSample[], modelId: string): ClassifierSnapshot {
  return trainClassifier(samples, { modelId, prior: thresholdPriorOf(embeddingModelById(modelId)) });
}

/** Live attendance as the app runs it: faces tracked, evidence fused, suggestions for the teacher. */
export class AppLive {
  private readonly marked = new Set<string>();
  private readonly tracker: AttendanceTracker;

  constructor(
    private readonly pipeline: FacePipeline,
    classifier: ClassifierSnapshot,
  ) {
    this.tracker = new AttendanceTracker(classifier, pipeline.model.id, (id) => this.marked.has(id));
  }

  async frame(frame: tf.Tensor3D, now: number): Promise<LiveStep & { detectMs: number; embedMs: number }> {
    const a = await this.pipeline.analyse(frame, true);
    const t = this.tracker.update(a.faces, now);
    console.error(
      JSON.stringify(t.tracks.map((x) => [x.state, x.frames, x.prediction.verdict, x.prediction.score.toFixed(3)])),
    );
    for (const r of t.newlyRecognised) this.marked.add(r.studentId);
    return {
      marks: t.newlyRecognised.map((r) => ({ face: r.track.detection, studentId: r.studentId })),
      suggestions: t.suggestions.map((s) => ({ face: s.detection, studentId: s.studentId, trackId: s.id })),
      ...a.stages,
    };
  }

  /** The teacher confirms a suggestion: the student is marked. */
  confirm(studentId: string): void {
    this.marked.add(studentId);
  }

  /** The teacher rejects a suggestion. */
  reject(trackId: number, studentId: string): void {
    this.tracker.reject(trackId, studentId);
  }
}

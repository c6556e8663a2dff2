/** The app's own enrolment, training and live recognition, as `npm run bench:classroom` drives them. */
import * as tf from '@tensorflow/tfjs-core';
import { trainClassifier, type ClassifierSnapshot, type TrainingSample } from '../../src/classifier';
import { embeddingModelById } from '../../src/embedding/models';
import { photoFaces, photoProblem } from '../../src/services/enrolment';
import { liveDetectOptions, type FacePipeline } from '../../src/services/face-pipeline';
import { LiveSession } from '../../src/services/live-session';
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

/**
 * Live attendance as the app runs it: faces tracked, evidence fused, suggestions for the teacher. With
 * `tracking` (the app since the live-pipeline issue) faces are followed by O-Net between full detections on
 * a frame taken down for the "middle of the room" setting, and embedded only when needed; without it every
 * frame is detected at full size and every face embedded (the app before).
 */
export class AppLive {
  private readonly marked = new Set<string>();
  private readonly session: LiveSession;

  constructor(
    private readonly pipeline: FacePipeline,
    classifier: ClassifierSnapshot,
    private readonly tracking: boolean,
  ) {
    this.session = new LiveSession(classifier, pipeline.model.id, (id) => this.marked.has(id), { tracking });
  }

  async frame(frame: tf.Tensor3D, now: number): Promise<LiveStep & { detectMs: number; embedMs: number }> {
    const detect = this.tracking ? liveDetectOptions(frame.shape[1], frame.shape[0], 'middle') : {};
    const t = await this.session.frame(this.pipeline.frameWork(frame, detect), now);
    for (const r of t.newlyRecognised) this.marked.add(r.studentId);
    return {
      marks: t.newlyRecognised.map((r) => ({ face: r.track.detection, studentId: r.studentId })),
      suggestions: t.suggestions.map((s) => ({ face: s.detection, studentId: s.studentId, trackId: s.id })),
      ...t.stages,
    };
  }

  /** The teacher confirms a suggestion: the student is marked. */
  confirm(studentId: string): void {
    this.marked.add(studentId);
  }

  /** The teacher rejects a suggestion. */
  reject(trackId: number, studentId: string): void {
    this.session.reject(trackId, studentId);
  }
}

/** Changing the model re-embeds stored samples from their images (a fake engine), and counts those it cannot. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FaceDetection } from '../../src/core/types';
import { addFaceSamples, loadTrainingData, samplesOfStudent, type NewFaceSample } from '../../src/db/samples';
import { addStudent } from '../../src/db/students';
import { FACERES, FACERES_MOBILEFACE, FACENET, RESNET34 } from '../../src/embedding/models';
import { reembedSamples, sampleServes, samplesToReembed, type StoredFaceEmbedder } from '../../src/services/reembed';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('reembed');

const vector = (d: number, at: number): Float32Array => Float32Array.from({ length: d }, (_, k) => (k === at ? 1 : 0));
const face: FaceDetection = {
  box: { x: 80, y: 60, width: 160, height: 190 },
  score: 1,
  landmarks: [
    { x: 125, y: 140 },
    { x: 195, y: 140 },
    { x: 160, y: 180 },
    { x: 130, y: 220 },
    { x: 190, y: 220 },
  ],
};

function sample(imageKind: NewFaceSample['imageKind'], at: number): NewFaceSample {
  return {
    image: new Blob([new Uint8Array([0xff, 0xd8, at])], { type: 'image/jpeg' }),
    face: imageKind.startsWith('crop:facenet') ? null : face,
    imageKind,
    embeddings: { faceres: vector(1024, at) },
    quality: { sharpness: 1, faceSize: 160 },
    source: 'upload',
    capturedAt: new Date(Date.UTC(2026, 11, 1, 8, 0, at)).toISOString(),
  };
}

/** Gives each image a distinct vector of the fused model's length, and remembers what it was asked. */
function fakeEngine(): StoredFaceEmbedder & { calls: { bytes: number[]; face: FaceDetection | null }[] } {
  const calls: { bytes: number[]; face: FaceDetection | null }[] = [];
  return {
    info: { model: FACERES_MOBILEFACE },
    calls,
    async embedStoredFace(image, f) {
      const bytes = Array.from(new Uint8Array(await image.arrayBuffer()));
      calls.push({ bytes, face: f });
      return vector(FACERES_MOBILEFACE.dimension, bytes[2]!);
    },
  };
}

describe('which stored images serve which model', () => {
  it('takes face images for every model, and old crops for models that cut the face the same way or tighter', () => {
    const faceImage = { imageKind: 'face-image' as const };
    expect([FACERES, RESNET34, FACENET, FACERES_MOBILEFACE].every((m) => sampleServes(faceImage, m))).toBe(true);
    const oldFaceres = { imageKind: 'crop:faceres' as const };
    expect(sampleServes(oldFaceres, FACERES_MOBILEFACE)).toBe(true);
    expect(sampleServes(oldFaceres, RESNET34)).toBe(true);
    expect(sampleServes(oldFaceres, FACENET)).toBe(false);
    expect(sampleServes({ imageKind: 'crop:dlib-resnet34' }, FACERES)).toBe(false);
    expect(sampleServes({ imageKind: 'crop:facenet-20180402-114759' }, FACENET)).toBe(true);
    expect(sampleServes({ imageKind: 'crop:unknown-model' }, FACERES)).toBe(false);
  });
});

describe('reembedSamples', () => {
  it('embeds every sample that lacks the new model, keeps the old embeddings, and counts what it could not', async () => {
    await addStudent(t.db, studentForm('SV1', 'An'));
    await addFaceSamples(t.db, 'SV1', [
      sample('face-image', 1),
      sample('crop:faceres', 2),
      sample('crop:dlib-resnet34', 3),
    ]);
    expect(await samplesToReembed(t.db, FACERES_MOBILEFACE)).toEqual({ missing: 3, unusable: 1 });
    const engine = fakeEngine();
    const progress: number[] = [];
    const outcome = await reembedSamples(t.db, engine, (p) => progress.push(p.done / Math.max(1, p.total)));
    expect(outcome).toEqual({ embedded: 2, unusable: 1 });
    expect(progress.at(-1)).toBe(1);
    // The engine saw the stored images and the faces kept with them, never the crop too tight for it.
    expect(engine.calls.map((c) => c.bytes[2])).toEqual([1, 2]);
    expect(engine.calls[0]!.face).toEqual(face);
    const samples = await samplesOfStudent(t.db, 'SV1');
    expect(samples.map((s) => Object.keys(s.embeddings).sort())).toEqual([
      ['faceres', 'faceres+mobileface'],
      ['faceres', 'faceres+mobileface'],
      ['faceres'],
    ]);
    const training = await loadTrainingData(t.db, FACERES_MOBILEFACE.id);
    expect(training.samples).toHaveLength(2);
    expect(training.samples[0]!.embedding[1]).toBeCloseTo(1, 2);
    expect(await samplesToReembed(t.db, FACERES_MOBILEFACE)).toEqual({ missing: 1, unusable: 1 });
    // A second run has nothing left to do.
    expect(await reembedSamples(t.db, fakeEngine())).toEqual({ embedded: 0, unusable: 1 });
  });
});

import type { NewFaceSample } from '../../src/db/samples';

/**
 * A small face sample for database tests: a 3-byte "JPEG", a one-hot 8-d embedding from `at` unless
 * `embeddings` is given, and a capture time `at` seconds into the first lesson.
 */
export function faceSample(
  at: number,
  embeddings: Record<string, Float32Array> = {
    faceres: Float32Array.from({ length: 8 }, (_, i) => (i === at % 8 ? 1 : 0)),
  },
): NewFaceSample {
  return {
    face: null,
    imageKind: 'face-image' as const,
    image: new Blob([new Uint8Array([0xff, 0xd8, at])], { type: 'image/jpeg' }),
    embeddings,
    quality: { sharpness: 100, faceSize: 150 },
    source: 'camera',
    capturedAt: new Date(Date.UTC(2026, 8, 1, 8, 0, at)).toISOString(),
  };
}

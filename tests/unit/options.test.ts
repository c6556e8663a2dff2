import { describe, expect, it } from 'vitest';
import { DEFAULT_MTCNN_OPTIONS, resolveMtcnnOptions } from '../../src/detection/options';

describe('resolveMtcnnOptions', () => {
  it("defaults to the original system's settings", () => {
    expect(resolveMtcnnOptions()).toEqual({
      minFaceSize: 20,
      scaleFactor: 0.709,
      thresholds: [0.6, 0.7, 0.7],
      maxFaces: 100,
      maxInputSize: 1280,
    });
    expect(resolveMtcnnOptions({ minFaceSize: undefined })).toEqual(DEFAULT_MTCNN_OPTIONS);
  });

  it('keeps what is given', () => {
    expect(resolveMtcnnOptions({ minFaceSize: 40, maxInputSize: 0 })).toMatchObject({
      minFaceSize: 40,
      maxInputSize: 0,
    });
  });

  it.each([
    [{ minFaceSize: 8 }, /minFaceSize must be at least 12/],
    [{ scaleFactor: 1.2 }, /scaleFactor must be between/],
    [{ thresholds: [0.6, 1.5, 0.7] as const }, /thresholds must be three probabilities/],
    [{ maxFaces: 0 }, /maxFaces must be at least 1/],
    [{ maxInputSize: 20 }, /maxInputSize must be 0 \(off\) or at least 48/],
  ])('rejects %o with a message that says what to pass', (options, message) => {
    expect(() => resolveMtcnnOptions(options)).toThrow(message);
  });
});

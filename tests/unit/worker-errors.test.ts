/** The app's errors cross a comlink boundary (a MessageChannel here, a worker in the app) as themselves. */
import { expose, wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import '../../src/core/worker-errors';
import {
  CameraError,
  errorToPlain,
  GpuLostError,
  ImageDecodeError,
  ModelLoadError,
  RelayError,
  reviveError,
  StorageError,
  ValidationError,
} from '../../src/core/errors';

describe('errors across a worker boundary', () => {
  it('come back as their own classes, with their fields', () => {
    const errors = [
      new ModelLoadError('faceres.bin', 'faceres.bin is truncated.'),
      new CameraError('denied', 'The camera is blocked.'),
      new StorageError('The disk is full.'),
      new ValidationError('Bad row.', { name: 'Required.' }),
      new RelayError('The relay refused.'),
      new ImageDecodeError('a.jpg', 'Not a picture.'),
      new GpuLostError('The WebGL context was lost.'),
    ];
    for (const e of errors) {
      const back = reviveError(structuredClone(errorToPlain(e)));
      expect(back).toBeInstanceOf(e.constructor);
      expect(back).toMatchObject({ name: e.name, message: e.message });
      // Named in literals, so that a minified bundle (class names mangled) still sends the right name.
      expect(e.name).toBe(e.constructor.name);
    }
    expect(reviveError(errorToPlain(errors[0]))).toMatchObject({ file: 'faceres.bin' });
    expect(reviveError(errorToPlain(errors[1]))).toMatchObject({ problem: 'denied' });
    expect(reviveError(errorToPlain(errors[3]))).toMatchObject({ fields: { name: 'Required.' } });
    const plain = reviveError(errorToPlain(new TypeError('x is not a function')));
    expect(plain).toBeInstanceOf(Error);
    expect(plain.name).toBe('TypeError');
  });

  it('are thrown by a comlink call as the class the other side threw', async () => {
    const { port1, port2 } = new MessageChannel();
    expose(
      {
        load: () => {
          throw new ModelLoadError('mtcnn.json', 'mtcnn.json is missing: run `npm run models`.');
        },
      },
      port1,
    );
    const remote = wrap<{ load(): void }>(port2);
    const error = await remote.load().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error).toMatchObject({ file: 'mtcnn.json', message: 'mtcnn.json is missing: run `npm run models`.' });
    port1.close();
    port2.close();
  });
});

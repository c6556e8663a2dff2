/**
 * Errors thrown in a worker reach the page as the same classes (`ModelLoadError`, `CameraError`, …), with
 * their fields, instead of comlink's plain `Error`. Import once on each side of a comlink boundary.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { errorToPlain, reviveError, type PlainError } from './errors';

type Thrown = { value: unknown };
type Wire = { isError: true; value: PlainError } | { isError: false; value: unknown };

const original = transferHandlers.get('throw') as TransferHandler<Thrown, Wire> | undefined;
if (original) {
  const handler: TransferHandler<Thrown, Wire> = {
    canHandle: (value): value is Thrown => original.canHandle(value),
    serialize: ({ value }) =>
      value instanceof Error ? [{ isError: true, value: errorToPlain(value) }, []] : [{ isError: false, value }, []],
    deserialize: (wire) => {
      throw wire.isError ? reviveError(wire.value) : wire.value;
    },
  };
  transferHandlers.set('throw', handler);
}

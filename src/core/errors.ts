/**
 * Typed errors. Each message says what went wrong and what the teacher (or the developer calling the API)
 * should do about it; only `src/ui` turns them into text on screen.
 */

export type AppErrorCode = 'model-load' | 'camera' | 'storage' | 'validation' | 'relay' | 'image' | 'gpu-lost';

/**
 * Each class names itself in a literal (`name`), not from `new.target.name`: the built worker bundles are
 * minified with mangled names, and an error crosses a worker's boundary by its name (see `reviveError`).
 */
export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  abstract override readonly name: string;
}

/** A model file is missing, truncated, corrupt or of the wrong shape. `file` names the culprit. */
export class ModelLoadError extends AppError {
  override readonly name = 'ModelLoadError';
  readonly code = 'model-load';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type CameraProblem = 'no-camera' | 'denied' | 'in-use' | 'unsupported' | 'unknown';

/** The webcam could not be opened; `problem` tells the UI which advice to show. */
export class CameraError extends AppError {
  override readonly name = 'CameraError';
  readonly code = 'camera';
  constructor(
    readonly problem: CameraProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class StorageError extends AppError {
  override readonly name = 'StorageError';
  readonly code = 'storage';
}

/** Input that breaks a rule; `fields` maps each wrong field to what is wrong with it. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly code = 'validation';
  constructor(
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export class RelayError extends AppError {
  override readonly name = 'RelayError';
  readonly code = 'relay';
}

/** A file that is not a decodable image. */
export class ImageDecodeError extends AppError {
  override readonly name = 'ImageDecodeError';
  readonly code = 'image';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The graphics processor stopped serving the app's WebGL context (a driver reset, the laptop's GPU switched,
 * too many tabs using it). The engine cannot go on on WebGL; the app starts a WebAssembly one instead.
 */
export class GpuLostError extends AppError {
  override readonly name = 'GpuLostError';
  readonly code = 'gpu-lost';
}

/** An error as plain data, to cross a worker's boundary (see `reviveError`). */
export interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly file?: string;
  readonly problem?: CameraProblem;
  readonly fields?: Readonly<Record<string, string>>;
}

export function errorToPlain(error: unknown): PlainError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & Partial<Pick<PlainError, 'file' | 'problem' | 'fields'>>;
  return {
    name: e.name,
    message: e.message,
    ...(e.stack ? { stack: e.stack } : {}),
    ...(typeof e.file === 'string' ? { file: e.file } : {}),
    ...(typeof e.problem === 'string' ? { problem: e.problem } : {}),
    ...(e.fields && typeof e.fields === 'object' ? { fields: e.fields } : {}),
  };
}

/** The error `errorToPlain` was made from: the app's own classes come back as themselves. */
export function reviveError(plain: PlainError): Error {
  let error: Error;
  switch (plain.name) {
    case 'ModelLoadError':
      error = new ModelLoadError(plain.file ?? '', plain.message);
      break;
    case 'CameraError':
      error = new CameraError(plain.problem ?? 'unknown', plain.message);
      break;
    case 'StorageError':
      error = new StorageError(plain.message);
      break;
    case 'ValidationError':
      error = new ValidationError(plain.message, plain.fields ?? {});
      break;
    case 'RelayError':
      error = new RelayError(plain.message);
      break;
    case 'GpuLostError':
      error = new GpuLostError(plain.message);
      break;
    case 'ImageDecodeError':
      error = new ImageDecodeError(plain.file ?? '', plain.message);
      break;
    default:
      error = new Error(plain.message);
      error.name = plain.name;
  }
  if (plain.stack) error.stack = plain.stack;
  return error;
}

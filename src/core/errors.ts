/**
 * Typed errors. Each message says what went wrong and what the teacher (or the developer calling the API)
 * should do about it; only `src/ui` turns them into text on screen.
 */

export type AppErrorCode = 'model-load' | 'camera' | 'storage' | 'validation' | 'relay' | 'image';

export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model file is missing, truncated, corrupt or of the wrong shape. `file` names the culprit. */
export class ModelLoadError extends AppError {
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
  readonly code = 'storage';
}

/** Input that breaks a rule; `fields` maps each wrong field to what is wrong with it. */
export class ValidationError extends AppError {
  readonly code = 'validation';
  constructor(
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export class RelayError extends AppError {
  readonly code = 'relay';
}

/** A file that is not a decodable image. */
export class ImageDecodeError extends AppError {
  readonly code = 'image';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

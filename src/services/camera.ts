/** Opening the webcam, with every failure turned into a `CameraError` that says what to do. */
import { CameraError } from '../core/errors';

export interface CameraOptions {
  /** A specific camera from `listCameras`. Defaults to the browser's choice. */
  readonly deviceId?: string;
  /**
   * Wanted frame size; the camera may give another. Defaults to 1280×720: faces at the back of a classroom
   * are 40 px wide there, and 20 px (too small to recognise) at 640×480.
   */
  readonly width?: number;
  readonly height?: number;
}

export async function openCamera(options: CameraOptions = {}): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError(
      'unsupported',
      'This browser cannot use a camera here. Open the app over https (or on this computer at localhost) in a current Chrome, Edge or Firefox.',
    );
  }
  const video: MediaTrackConstraints = {
    width: { ideal: options.width ?? 1280 },
    height: { ideal: options.height ?? 720 },
    ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : { facingMode: 'user' }),
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (cause) {
    throw toCameraError(cause);
  }
}

export function stopCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** Opens the camera and plays it in `video`; a video that will not play closes the camera again. */
export async function playCamera(video: HTMLVideoElement, options: CameraOptions = {}): Promise<MediaStream> {
  const stream = await openCamera(options);
  try {
    video.srcObject = stream;
    await video.play();
    return stream;
  } catch (error) {
    stopCamera(stream);
    throw error;
  }
}

export async function listCameras(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
}

export function toCameraError(cause: unknown): CameraError {
  const name = cause instanceof Error || cause instanceof DOMException ? cause.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError(
        'denied',
        'The camera is blocked for this app. Click the camera icon in the address bar, choose "Allow", then try again.',
        { cause },
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError(
        'no-camera',
        'No camera was found. Plug in a webcam (or pick another one in Settings) and try again.',
        { cause },
      );
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError(
        'in-use',
        'The camera is in use by another program (a video call?). Close that program, then try again.',
        { cause },
      );
    default:
      return new CameraError(
        'unknown',
        `The camera could not be started (${String(cause)}). Try again, or restart the browser.`,
        {
          cause,
        },
      );
  }
}

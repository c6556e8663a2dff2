/** Opening the webcam, with every failure turned into a `CameraError` that says what to do. */
import { CameraError } from '../core/errors';
import { m } from '../paraglide/messages';

export interface CameraOptions {
  /** A specific camera from `listCameras`. Defaults to the browser's choice. */
  readonly deviceId?: string;
  /**
   * Wanted frame size; the camera may give another. Defaults to 1280×720: faces at the back of a classroom
   * are 40 px wide there, and 20 px (too small to recognise) at 640×480.
   */
  readonly width?: number;
  readonly height?: number;
  /** A camera already opened (by `reopenCamera`): played as it is instead of opening one. */
  readonly opened?: MediaStream;
}

/** How often a camera that ended is tried again while nothing else says it may be back. */
const CAMERA_RETRY_MS = 10_000;

export async function openCamera(options: CameraOptions = {}): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', m.camera_unsupported());
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

/**
 * What can happen to a camera while it plays: its track `ended` (the cable pulled, another app took it, the
 * laptop slept), its picture stopped (`muted`) or came back (`unmuted`), or, after it ended, a camera was
 * `connected` again.
 */
export type CameraEvent = 'ended' | 'muted' | 'unmuted' | 'connected';

export interface PlayingCamera {
  readonly stream: MediaStream;
  /** The camera playing (from its track), to open the same one again after it ended. */
  readonly deviceId: string | undefined;
  /** The camera ended (its `ended` event was reported): a screen still starting should not go on. */
  readonly ended: boolean;
  /** Closes the camera; no event is reported after it, but `connected` once where it had ended. */
  stop(): void;
}

/**
 * The one way the screens open the camera: plays it in `video` (a video that will not play closes the camera
 * again) and reports what happens to it to `onEvent` until `stop()`. A camera that ends is closed; `connected` then says, once, that one is back
 * (even after `stop()`, which a screen calls when its camera ended).
 */
export async function startCamera(
  video: HTMLVideoElement,
  options: CameraOptions,
  onEvent: (event: CameraEvent) => void,
): Promise<PlayingCamera> {
  const stream = options.opened ?? (await openCamera(options));
  let live = true;
  let ended = false;
  const report = (event: CameraEvent) => () => {
    if (live) onEvent(event);
  };
  const track = stream.getVideoTracks()[0];
  // Listened to before the video plays: a camera can end while it starts.
  track?.addEventListener('mute', report('muted'));
  track?.addEventListener('unmute', report('unmuted'));
  track?.addEventListener('ended', () => {
    if (!live) return;
    ended = true;
    stopCamera(stream);
    navigator.mediaDevices?.addEventListener('devicechange', () => onEvent('connected'), { once: true });
    onEvent('ended');
  });
  try {
    video.srcObject = stream;
    await video.play();
  } catch (error) {
    live = false;
    stopCamera(stream);
    throw error;
  }
  return {
    stream,
    deviceId: track?.getSettings().deviceId ?? options.deviceId,
    get ended() {
      return ended;
    },
    stop: () => {
      live = false;
      stopCamera(stream);
    },
  };
}

/**
 * A screen's engine and camera, started together: where either fails, the other is let go of too (a camera
 * playing beside an engine that would not start is closed), and the first failure is thrown.
 */
export async function bothStarted<E>(engine: Promise<E>, camera: Promise<PlayingCamera>): Promise<[E, PlayingCamera]> {
  const [e, c] = await Promise.allSettled([engine, camera]);
  if (e.status === 'rejected') {
    if (c.status === 'fulfilled') c.value.stop();
    throw e.reason;
  }
  if (c.status === 'rejected') throw c.reason;
  return [e.value, c.value];
}

/**
 * Waits for a camera that ended to come back and opens it again (the same one where `options.deviceId` names
 * it). It is tried when a device is plugged in, when the page is shown again (the laptop woke up) and every
 * `retryMs` (another app let go of it), but only while the camera permission stays granted: a browser that
 * would ask again is left for the teacher's own click. Resolves with the opened camera, or null once
 * `signal` aborts (a camera opened after that is closed again).
 */
export function reopenCamera(
  options: CameraOptions,
  signal: AbortSignal,
  retryMs = CAMERA_RETRY_MS,
): Promise<MediaStream | null> {
  return new Promise((resolve) => {
    let trying = false;
    const tryNow = () => void attempt();
    const onVisible = () => {
      if (document.visibilityState === 'visible') tryNow();
    };
    const timer = setInterval(tryNow, retryMs);
    const finish = (stream: MediaStream | null) => {
      clearInterval(timer);
      navigator.mediaDevices?.removeEventListener('devicechange', tryNow);
      document.removeEventListener('visibilitychange', onVisible);
      signal.removeEventListener('abort', aborted);
      resolve(stream);
    };
    const aborted = () => finish(null);
    async function attempt(): Promise<void> {
      if (trying || signal.aborted) return;
      trying = true;
      try {
        if (!(await cameraAllowed()) || signal.aborted) return;
        const cameras = await listCameras();
        if (signal.aborted) return;
        if (options.deviceId ? !cameras.some((c) => c.deviceId === options.deviceId) : cameras.length === 0) return;
        const stream = await openCamera(options);
        if (signal.aborted) stopCamera(stream);
        else finish(stream);
      } catch {
        // Not back yet (still taken by another app, or gone again): the next try may do.
      } finally {
        trying = false;
      }
    }
    if (signal.aborted) return finish(null);
    signal.addEventListener('abort', aborted, { once: true });
    navigator.mediaDevices?.addEventListener('devicechange', tryNow);
    document.addEventListener('visibilitychange', onVisible);
  });
}

/** The camera permission is granted (a browser that cannot say is taken at its word: it asked before). */
async function cameraAllowed(): Promise<boolean> {
  try {
    return (await navigator.permissions.query({ name: 'camera' })).state === 'granted';
  } catch {
    return true;
  }
}

/**
 * The note a screen shows after a camera event, from the one it shows now: `goOn` says how to go on after
 * the camera ended and once one is connected again. A camera connected while no note is shown says nothing.
 */
export function cameraNoteAfter(
  event: CameraEvent,
  current: string,
  goOn: { readonly ended: string; readonly connected: string },
): string {
  switch (event) {
    case 'ended':
      return `${m.camera_stopped()} ${goOn.ended}`;
    case 'muted':
      return m.camera_muted();
    case 'connected':
      return current ? m.camera_connected_again({ next: goOn.connected }) : current;
    case 'unmuted':
      return '';
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
      return new CameraError('denied', m.camera_denied(), { cause });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('no-camera', m.camera_none(), { cause });
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('in-use', m.camera_in_use(), { cause });
    default:
      return new CameraError('unknown', m.camera_failed({ detail: String(cause) }), {
        cause,
      });
  }
}

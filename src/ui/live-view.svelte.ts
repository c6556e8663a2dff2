/** View state of the camera check: camera, detector, backend and the latest frame's figures. */
import { AppError } from '../core/errors';
import type { FaceDetection } from '../core/types';
import { bothStarted, cameraNoteAfter, type CameraEvent, type PlayingCamera } from '../services/camera';
import type { FaceEngine } from '../services/face-engine';
import { startLiveDetection, type LiveDetection } from '../services/live-detection';
import { clearOverlay, drawDetections } from '../services/overlay';
import type { BackendName } from '../services/tf-backend';
import { m } from './i18n';

export type Phase = 'idle' | 'loading' | 'running' | 'error';

export class LiveView {
  phase = $state<Phase>('idle');
  backend = $state<BackendName | null>(null);
  /** The backend the latest frame really ran on, as tfjs reports it. */
  frameBackend = $state('');
  backendNote = $state('');
  error = $state('');
  faces = $state<readonly FaceDetection[]>([]);
  ms = $state(0);
  fps = $state(0);
  frames = $state(0);

  /** What happened to the camera while it played (it stopped, lost its picture, came back), or ''. */
  cameraNote = $state('');

  private playing: PlayingCamera | null = null;
  private loop: LiveDetection | null = null;

  /** `engine` gives the app's face engine (started on first use); `camera` plays the chosen camera. */
  constructor(
    private readonly engine: () => Promise<FaceEngine>,
    private readonly camera: (video: HTMLVideoElement, onEvent: (event: CameraEvent) => void) => Promise<PlayingCamera>,
  ) {}

  /** The engine, with its backend and the reason for it. */
  async prepare(): Promise<FaceEngine> {
    const engine = await this.engine();
    this.backend = engine.info.backend;
    this.backendNote = engine.info.backendNote;
    return engine;
  }

  async start(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<void> {
    if (this.phase === 'loading' || this.phase === 'running') return;
    this.phase = 'loading';
    this.error = '';
    try {
      this.cameraNote = '';
      const [engine, playing] = await bothStarted(
        this.prepare(),
        this.camera(video, (e) => this.cameraEvent(e, canvas)),
      );
      this.playing = playing;
      if (playing.ended) return this.stop(canvas);
      this.frames = 0;
      this.loop = startLiveDetection(
        video,
        engine,
        (r) => {
          this.faces = r.faces;
          this.ms = r.ms;
          this.fps = r.fps;
          this.frameBackend = r.backend;
          this.frames += 1;
          drawDetections(canvas, r.width, r.height, r.faces);
        },
        (e) => this.fail(e),
      );
      this.phase = 'running';
    } catch (e) {
      this.fail(e);
    }
  }

  stop(canvas?: HTMLCanvasElement): void {
    this.loop?.stop();
    this.loop = null;
    this.playing?.stop();
    this.playing = null;
    this.faces = [];
    clearOverlay(canvas);
    if (this.phase !== 'error') this.phase = 'idle';
  }

  /** Stops the camera; the engine belongs to the app and stays loaded. */
  dispose(): void {
    this.stop();
  }

  private cameraEvent(event: CameraEvent, canvas: HTMLCanvasElement): void {
    if (event === 'ended') this.stop(canvas);
    this.cameraNote = cameraNoteAfter(event, this.cameraNote, {
      ended: m.check_camera_ended(),
      connected: m.check_camera_connected(),
    });
  }

  private fail(e: unknown): void {
    this.stop();
    this.phase = 'error';
    this.error = e instanceof AppError ? e.message : m.error_reload({ detail: String(e) });
  }
}

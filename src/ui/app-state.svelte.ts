/**
 * State shared by every screen: the database, the settings, the student list with sample counts, the face
 * engine (loaded once, when a screen first needs the camera), the current screen and the message line.
 */
import { SvelteMap } from 'svelte/reactivity';
import { pageAppBase } from '../core/app-base';
import { AppError } from '../core/errors';
import { checkPin } from '../core/pin';
import { clockTime, count, m } from './i18n';
import {
  database,
  DEFAULT_SETTINGS,
  findStudents,
  loadSettings,
  requestPersistentStorage,
  purgeFaceData,
  saveSettings,
  sessionLabel,
  watch,
  type AppSettings,
  type Student,
} from '../services/data';
import { closeStaleSessions } from '../services/attendance';
import { startCamera, type CameraEvent, type PlayingCamera } from '../services/camera';
import {
  DEFAULT_EMBEDDING_MODEL,
  EMBEDDING_MODELS,
  startFaceEngine,
  type EmbeddingModelDescriptor,
  type EngineInfo,
  type FaceEngine,
  type GraphModelDescriptor,
} from '../services/face-engine';
import { importedCustomModels } from '../services/model-import';
import type { MeasuredBackend } from '../services/backend-bench';
import type { BackendName } from '../services/tf-backend';
import { backendFromUrl, engineFromUrl } from './backend-preference';

export type Screen = 'students' | 'enrol' | 'train' | 'attendance' | 'records' | 'reports' | 'privacy' | 'settings';

export const SCREENS: readonly { readonly id: Screen; readonly label: () => string }[] = [
  { id: 'students', label: m.nav_students },
  { id: 'enrol', label: m.nav_enrol },
  { id: 'train', label: m.nav_train },
  { id: 'attendance', label: m.nav_attendance },
  { id: 'records', label: m.nav_records },
  { id: 'reports', label: m.nav_reports },
  { id: 'privacy', label: m.nav_privacy },
  { id: 'settings', label: m.nav_settings },
];

export function screenFromHash(hash: string): Screen {
  const id = hash.replace(/^#\/?/, '').split('?')[0];
  return SCREENS.find((s) => s.id === id)?.id ?? 'students';
}

/** The text to show for any error: ours carry their advice, the rest get a generic one. */
export function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return m.error_generic({ detail: error instanceof Error ? error.message : String(error) });
}

/** Today as YYYY-MM-DD (UTC, as the purge records it). */
const today = (): string => new Date(Date.now()).toISOString().slice(0, 10);

/** Where the page keeps this device's backend measurement (not in backups: it belongs to this computer). */
const MEASUREMENT_KEY = 'face-attendance.backend-measurement';

function keptMeasurement(): MeasuredBackend | null {
  try {
    const kept = JSON.parse(localStorage.getItem(MEASUREMENT_KEY) ?? 'null') as MeasuredBackend | null;
    return kept && typeof kept.key === 'string' && typeof kept.backend === 'string' ? kept : null;
  } catch {
    return null;
  }
}

function keepMeasurement(measured: MeasuredBackend): void {
  try {
    localStorage.setItem(MEASUREMENT_KEY, JSON.stringify(measured));
  } catch {
    // Storage refused (private window, full disk): the next start measures again, nothing else is lost.
  }
}

export interface Toast {
  readonly text: string;
  readonly kind: 'good' | 'bad' | 'info';
}

export class AppState {
  readonly db = database();
  screen = $state<Screen>(screenFromHash(location.hash));
  settings = $state<AppSettings>(DEFAULT_SETTINGS);
  /** Every student, sorted by name; follows the database (also other tabs' changes). Raw: replaced whole. */
  students = $state.raw<Student[]>([]);
  /** Samples per student ID, as kept on the students. */
  readonly counts = $derived(new SvelteMap(this.students.map((s) => [s.studentId, s.photoCount ?? 0] as const)));
  /** The student chosen for "Take photos". */
  selectedStudentId = $state('');
  engineState = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  backend = $state<BackendName | null>(null);
  backendNote = $state('');
  /** The running engine's figures (threads, where it runs, start time), once started. */
  engineInfo = $state<EngineInfo | null>(null);
  /** Where the engine runs and whether live faces are tracked (`?engine=page&tracking=off` for comparisons). */
  readonly engineMode = engineFromUrl(location.search);
  toast = $state<Toast | null>(null);
  /** Models of the teacher's own, imported in Settings and kept in this browser. */
  customModels = $state<GraphModelDescriptor[]>([]);
  /** Every model the teacher can choose: the app's and their own. */
  readonly models = $derived<readonly EmbeddingModelDescriptor[]>([...EMBEDDING_MODELS, ...this.customModels]);
  /** The chosen recognition model (the default where the chosen one is gone). */
  readonly model = $derived(this.models.find((m) => m.id === this.settings.modelId) ?? DEFAULT_EMBEDDING_MODEL);
  ready = $state(false);
  /** Locked by the teacher's PIN: only the lock screen shows (live attendance may run behind it). */
  locked = $state(false);
  private lastActivity = Date.now();
  private lockTimer: ReturnType<typeof setInterval> | undefined;

  private engine: Promise<FaceEngine> | null = null;
  private gpuFailed = false;
  /** The next engine start measures the backends again (Settings: "Measure this computer again"). */
  private remeasure = false;
  /** The latest warm-up of the live path (at install or on request): ms, or null before any. */
  warmUpMs = $state<number | null>(null);
  private engineKey = '';
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  private stopWatching: (() => void) | null = null;
  private purgeTimer: ReturnType<typeof setInterval> | undefined;
  /** The day the retention purge last ran (YYYY-MM-DD). */
  private purgedOn = '';

  async init(): Promise<void> {
    this.settings = await loadSettings(this.db);
    this.customModels = await importedCustomModels().catch(() => []);
    this.stopWatching?.();
    await new Promise<void>((first) => {
      this.stopWatching = watch(
        () => findStudents(this.db),
        (students) => {
          this.students = students;
          first();
        },
        (e) => {
          this.say(messageOf(e), 'bad');
          first();
        },
      );
    });
    // With a PIN the app starts locked, and locks again after the chosen minutes without a click or key.
    if (this.settings.pin && !this.ready) this.locked = true;
    clearInterval(this.lockTimer);
    this.lockTimer = setInterval(() => {
      const idle = Date.now() - this.lastActivity;
      if (this.settings.pin && !this.locked && idle > this.settings.lockAfterMinutes * 60_000) this.lock();
    }, 5_000);
    this.ready = true;
    void requestPersistentStorage();
    await this.purgeFaceData();
    await this.closeStaleSessions();
    // Daily while open: checked every hour, run when the day has changed.
    clearInterval(this.purgeTimer);
    this.purgeTimer = setInterval(() => {
      if (today() !== this.purgedOn) void this.purgeFaceData();
    }, 3_600_000);
  }

  /** Closes sessions a crash or a closed tab left open, and says which. */
  private async closeStaleSessions(): Promise<void> {
    try {
      const closed = await closeStaleSessions(this.db, this.students);
      if (closed.length === 0) return;
      const what = closed
        .map((c) =>
          m.stale_session_item({ session: sessionLabel(c.session), time: clockTime(c.closedAt), absent: c.absent }),
        )
        .join('; ');
      this.say(m.stale_sessions_closed({ count: closed.length, what }));
    } catch (e) {
      this.say(messageOf(e), 'bad');
    }
  }

  /** Erases the face data the retention settings no longer allow, and says so when it erased any. */
  async purgeFaceData(): Promise<void> {
    try {
      const done = await purgeFaceData(this.db, this.settings);
      this.purgedOn = done.at.slice(0, 10);
      if (done.students.length === 0) return;
      await this.updateSettings({
        lastPurge: { at: done.at, students: done.students.length, reason: done.reason },
      });
      this.say(
        m.face_data_purged({
          students: count.student(done.students.length),
          reason: done.reason,
          photos: count.photo(done.samples),
        }),
        'info',
      );
    } catch (e) {
      this.say(messageOf(e), 'bad');
    }
  }

  /** A click or key: the idle clock starts again. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  lock(): void {
    if (this.settings.pin) this.locked = true;
  }

  /** Unlocks with the PIN; false for a wrong one. */
  async unlock(pin: string): Promise<boolean> {
    if (!this.settings.pin || (await checkPin(pin, this.settings.pin))) {
      this.locked = false;
      this.touch();
      return true;
    }
    return false;
  }

  go(screen: Screen): void {
    // A message belongs to the screen whose action made it.
    if (screen !== this.screen) this.toast = null;
    this.screen = screen;
    if (screenFromHash(location.hash) !== screen) history.replaceState(null, '', `#/${screen}`);
  }

  async updateSettings(change: Partial<AppSettings>): Promise<void> {
    this.settings = await saveSettings(this.db, change);
  }

  /** The backend asked for: `?backend=` in the address wins over the setting (for checks). */
  private backendPreference(): AppSettings['backend'] {
    // The GPU failed once in this page: WebAssembly from then on, until the page is loaded again.
    if (this.gpuFailed) return 'wasm';
    const fromUrl = backendFromUrl(location.search);
    return fromUrl !== 'auto' ? fromUrl : this.settings.backend;
  }

  /**
   * The engine lost its WebGL context: the next `faceEngine()` starts a WebAssembly engine in its place (the
   * old one is disposed), and the engine line says why.
   */
  gpuLost(): void {
    this.gpuFailed = true;
  }

  /** The face engine for the current backend and model, started on first use. */
  faceEngine(): Promise<FaceEngine> {
    const liveDetector = this.engineMode.liveDetector ?? this.settings.liveDetector;
    const key = `${this.backendPreference()}|${this.settings.modelId}|${liveDetector}`;
    if (this.engine && this.engineKey === key) return this.engine;
    const previous = this.engine;
    this.engineKey = key;
    this.engineState = 'loading';
    this.engine = (async () => {
      (await previous?.catch(() => null))?.dispose();
      const engine = await startFaceEngine(
        {
          preference: this.backendPreference(),
          model: $state.snapshot(this.model),
          baseUrl: pageAppBase(),
          fuseRelu6: this.engineMode.fuseRelu6,
          liveDetector,
          loseWebglAfterFrames: this.gpuFailed ? undefined : this.engineMode.loseWebglAfterFrames,
          backendOptions: {
            measured: keptMeasurement(),
            remeasure: this.remeasure,
            measureSoftware: this.engineMode.measureSoftware,
          },
        },
        this.engineMode.where,
      );
      this.remeasure = false;
      if (engine.info.measuredNow && engine.info.measured) keepMeasurement(engine.info.measured);
      this.backend = engine.info.backend;
      this.backendNote = this.gpuFailed
        ? `${m.gpu_lost_note()} ${engine.info.backendNote}`.trim()
        : engine.info.backendNote;
      this.engineInfo = engine.info;
      this.engineState = 'ready';
      return engine;
    })();
    this.engine.catch(() => {
      this.engineState = 'error';
      this.engine = null;
    });
    return this.engine;
  }

  /**
   * Starts loading the engine now, in its worker, for a screen that will soon want it (Attendance with a
   * trained recogniser, Enrolment): its seconds of loading then pass while the teacher reads the screen,
   * not after the press. A failure is not said here; the press that needs the engine tries again and says it.
   */
  preloadEngine(): void {
    this.faceEngine().catch(() => undefined);
  }

  /**
   * Gets the engine ready for lessons: started (measuring the backends where this device has no measurement
   * yet) and its live path run once at the camera's usual size, so that WebGL's shaders are compiled now.
   * Run when the app is installed and when the teacher asks (`remeasure`); errors are the caller's.
   */
  async prepareForLessons(remeasure = false): Promise<EngineInfo> {
    if (remeasure) {
      this.remeasure = true;
      this.engineKey = '';
    }
    const engine = await this.faceEngine();
    this.warmUpMs = await engine.warmUpLive(1280, 720, this.settings.smallestFace);
    return engine.info;
  }

  /**
   * Opens the camera chosen in Settings (or the browser's choice), plays it in `video` and reports what happens
   * to it (see `startCamera`); `opened` is a camera opened again after it ended (see `reopenCamera`).
   */
  showCamera(
    video: HTMLVideoElement,
    onEvent: (event: CameraEvent) => void,
    opened?: MediaStream,
  ): Promise<PlayingCamera> {
    const options = this.settings.cameraId ? { deviceId: this.settings.cameraId } : {};
    return startCamera(video, opened ? { ...options, opened } : options, onEvent);
  }

  say(text: string, kind: Toast['kind'] = 'info'): void {
    this.toast = { text, kind };
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = null), kind === 'bad' ? 10_000 : 4_000);
  }
}

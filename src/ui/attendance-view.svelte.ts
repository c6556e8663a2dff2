/**
 * View state of the Attendance screen: the session form, the open session's records, the camera and the
 * live loop, the suggestions ("Is this…?") and the arrival banners. The use case itself (what a frame or a
 * click does to the records) is `LiveAttendance`'s; this class keeps what the screen shows and wires the
 * engine, the camera and the one-tab lock together. The component holds only markup.
 */
import { DEFAULT_LATE_AFTER_MINUTES } from '../core/defaults';
/* eslint-disable svelte/prefer-svelte-reactivity --
 * The maps and sets here are either built whole inside a $derived (never changed after) or private caches
 * that nothing renders; the one Date is a session's start time, handed to the database. */
import { GpuLostError } from '../core/errors';
import { isDecided, startSession } from '../services/attendance';
import { BannerQueue, type Banner } from '../services/banners';
import {
  bothStarted,
  cameraNoteAfter,
  reopenCamera,
  stopCamera,
  type CameraEvent,
  type PlayingCamera,
} from '../services/camera';
import { listSessions, samplesOfStudent, type AttendanceRecord, type Session, type Student } from '../services/data';
import type { FaceEngine } from '../services/face-engine';
import { expectedStudents, LiveAttendance } from '../services/live-attendance';
import type { TrackView } from '../services/live-tracks';
import { clearOverlay, drawTrackedFaces } from '../services/overlay';
import {
  startRecognitionLoop,
  withThreshold,
  type RecognitionFrame,
  type RecognitionLoop,
} from '../services/recognition';
import { storedClassifier, type ClassifierSnapshot } from '../services/training';
import { messageOf, type AppState } from './app-state.svelte';
import { describeFace, tagOf, toneOf } from './attendance-text';
import { count, m } from './i18n';
import { holdLiveLock } from '../services/single-tab';

export interface Suggestion {
  readonly studentId: string;
  readonly name: string;
  trackId: number;
  probability: number;
  /** The face as the camera sees it, and the student's enrolment photo. */
  readonly crop: string;
  readonly thumb: string;
  lastSeen: number;
}

/** Frames of a session by the work they got, and the engine's time of the latest (for checks). */
export interface FrameWork {
  readonly full: number;
  readonly follow: number;
  readonly ms: number;
  readonly embedded: number;
  readonly why: Readonly<Record<string, number>>;
}

/** A suggestion whose face has not been seen for this long goes away. */
const SUGGESTION_KEEP_MS = 20_000;

const NO_WORK: FrameWork = { full: 0, follow: 0, ms: 0, embedded: 0, why: {} };

export class AttendanceView {
  /** Bound by the component (`bind:this`). */
  video: HTMLVideoElement | undefined;
  canvas: HTMLCanvasElement | undefined;

  sessions = $state<Session[]>([]);
  /** The session picked in the form: an id, or 'new'. */
  chosen = $state('new');
  course = $state('');
  className = $state('');
  lateAfter = $state(DEFAULT_LATE_AFTER_MINUTES);
  session = $state<Session | null>(null);
  records = $state<AttendanceRecord[]>([]);
  /** Idle (a session may be open, taken by hand), opening the camera, or recognising. */
  phase = $state<'idle' | 'starting' | 'running'>('idle');
  error = $state('');
  /** Set when the camera went away during live attendance (shown until the next start). */
  cameraNote = $state('');
  // Raw: the snapshot goes to the engine's worker as it is (a $state proxy cannot be cloned).
  classifier = $state.raw<{ snapshot: ClassifierSnapshot; needsRetraining: boolean } | null>(null);

  fps = $state(0);
  facesInView = $state(0);
  frameBackend = $state('');
  /** Tensors the engine holds after the latest frame (flat over a lesson; for checks). */
  engineTensors = $state(0);
  work = $state.raw<FrameWork>(NO_WORK);
  frameSize = $state.raw({ width: 0, height: 0 });
  /** The latest frame's faces (centre, in frame pixels) and who each was taken for; for checks. */
  lastFaces = $state.raw<{ cx: number; cy: number; label: string | null; state: string }[]>([]);
  /** The latest frame's faces in words, for the list under the video (and screen readers). */
  facesInWords = $state.raw<{ id: number; text: string }[]>([]);
  suggestions = $state<Suggestion[]>([]);
  /** Arrival banners: each one shows for a few seconds, three arriving together show three. */
  cues = $state.raw<readonly Banner[]>([]);

  /** The student being excused (the note dialog), and the note. */
  excusing = $state<Student | null>(null);
  excuseOpen = $state(false);
  excuseNote = $state('');

  readonly classes = $derived.by(() => [...new Set(this.app.students.map((s) => s.className).filter(Boolean))].sort());
  readonly expected = $derived.by(() => expectedStudents(this.app.students, this.session));
  readonly byStudent = $derived(new Map(this.records.map((r) => [r.studentId, r])));
  private readonly studentsById = $derived.by(() => new Map(this.app.students.map((s) => [s.studentId, s])));
  /** Marked here, of the students there are (a student deleted meanwhile keeps their record, in Records). */
  readonly here = $derived(
    this.records
      .filter((r) => (r.status === 'present' || r.status === 'late') && this.studentsById.has(r.studentId))
      .sort((a, b) => (b.firstSeen ?? b.changedAt ?? '').localeCompare(a.firstSeen ?? a.changedAt ?? '')),
  );
  readonly notYet = $derived(
    this.expected.filter((s) => !['present', 'late'].includes(this.byStudent.get(s.studentId)?.status ?? '')),
  );

  /** Faces the teacher rejected, as "track|student": a frame already in the engine may still suggest them. */
  private readonly rejected = new Set<string>();
  private readonly thumbs = new Map<string, string>();
  private readonly banners = new BannerQueue((items) => (this.cues = items));
  private engine: FaceEngine | null = null;
  private live: LiveAttendance | null = null;
  private camera: PlayingCamera | null = null;
  private loop: RecognitionLoop | null = null;
  /** Set while a camera that ended mid-lesson is waited for, to go on once it is back (see `cameraEvent`). */
  private cameraWait: AbortController | null = null;
  /** Lets go of the one-tab-at-a-time lock of live attendance (see single-tab.ts). */
  private releaseLive: (() => void) | null = null;

  constructor(private readonly app: AppState) {}

  /** The sessions to choose from and the trained recogniser (on mount). */
  async load(): Promise<void> {
    this.lateAfter = this.app.settings.lateAfterMinutes;
    this.sessions = await listSessions(this.app.db);
    try {
      this.classifier = await storedClassifier(this.app.db, this.app.settings.modelId);
      // Trained: the camera is likely next, so the engine loads while the teacher picks the session.
      if (this.classifier) this.app.preloadEngine();
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  /** Starts live recognition; `reopened` is the camera back after it ended mid-lesson (see `cameraEvent`). */
  async start(reopened?: MediaStream): Promise<void> {
    if (this.phase !== 'idle') {
      stopCamera(reopened ?? null);
      return;
    }
    this.stopWaitingForCamera();
    this.error = '';
    this.cameraNote = '';
    if (!this.classifier) {
      this.error = m.attend_not_trained();
      return;
    }
    this.phase = 'starting';
    this.releaseLive = await holdLiveLock();
    if (!this.releaseLive) {
      stopCamera(reopened ?? null);
      this.phase = 'idle';
      this.error = m.attend_other_tab();
      return;
    }
    try {
      // The session is made only once the camera and the engine are working: a failed start leaves none.
      const [started, playing] = await bothStarted(
        this.app.faceEngine(),
        this.app.showCamera(this.video!, (e) => this.cameraEvent(e), reopened),
      );
      this.engine = started;
      this.camera = playing;
      if (playing.ended) return this.stop();
      if (!this.session) await this.open(await this.chosenSession());
      this.records = [...(await this.live!.load())];
      await this.recognise(started);
      // Good news, said as such: the note of the camera's stop goes (start() cleared it).
      if (reopened) this.app.say(m.attend_camera_back(), 'good');
    } catch (e) {
      this.error = messageOf(e);
      this.stop();
    }
  }

  /** Takes the session by hand, without the camera (the teacher's choice, or a camera that will not start). */
  async byHand(): Promise<void> {
    this.error = '';
    try {
      await this.open(await this.chosenSession());
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  /** Stops the camera; the session stays open for marking by hand. */
  stop(): void {
    this.loop?.stop();
    this.loop = null;
    this.releaseLive?.();
    this.releaseLive = null;
    void this.engine?.stopLive();
    this.engine = null;
    if (this.live) this.live.engine = null;
    this.suggestions = [];
    this.facesInWords = [];
    this.camera?.stop();
    this.camera = null;
    this.phase = 'idle';
    this.fps = 0;
    this.facesInView = 0;
    if (this.canvas) clearOverlay(this.canvas);
  }

  /** Stop: the camera stops and the session closes, every expected student not seen recorded absent. */
  async finish(): Promise<void> {
    this.stop();
    this.stopWaitingForCamera();
    this.error = '';
    const closing = this.live;
    if (!closing) return;
    try {
      const absent = await closing.close(this.expected);
      this.records = [...closing.attendance];
      this.sessions = await listSessions(this.app.db);
      this.app.say(
        m.attend_session_closed({ here: count.student(this.here.length), absent: count.student(absent) }),
        'good',
      );
      this.live = null;
      this.session = null;
      this.records = [];
      this.chosen = 'new';
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  /** A mark by hand: the list changes at once, the write follows (a failure is said, and the list goes back). */
  mark(studentId: string, status: 'present' | 'absent' | 'excused', note?: string): void {
    const current = this.live;
    if (!current) return;
    this.error = '';
    current.students = this.app.students;
    const { attendance, written } = current.mark(studentId, status, this.teacher(), note);
    this.records = [...attendance];
    written
      .then(() => {
        if (this.live === current) this.records = [...current.attendance];
      })
      .catch((e: unknown) => {
        if (this.live === current) this.records = [...current.attendance];
        this.error = messageOf(e);
      });
  }

  /** A record's student by their name now (renamed in another tab, say), or as recorded. */
  nameOf(r: AttendanceRecord): string {
    return this.studentsById.get(r.studentId)?.name ?? r.snapshot.name;
  }

  askExcuse(student: Student): void {
    this.excusing = student;
    this.excuseNote = this.byStudent.get(student.studentId)?.note ?? '';
    this.excuseOpen = true;
  }

  /** The excuse dialog's confirmation. */
  excuse(): void {
    if (this.excusing) this.mark(this.excusing.studentId, 'excused', this.excuseNote);
  }

  async confirm(s: Suggestion): Promise<void> {
    this.suggestions = this.suggestions.filter((x) => x.studentId !== s.studentId);
    if (!this.live) return;
    this.live.students = this.app.students;
    try {
      const arrival = await this.live.confirm(s.studentId, s.probability, this.teacher());
      this.records = [...this.live.attendance];
      if (arrival) this.announce(arrival);
    } catch (e) {
      this.app.say(messageOf(e), 'bad');
    }
  }

  reject(s: Suggestion): void {
    this.rejected.add(`${s.trackId}|${s.studentId}`);
    void this.engine?.reject(s.trackId, s.studentId);
    this.suggestions = this.suggestions.filter((x) => x.studentId !== s.studentId);
  }

  /** The screen goes: the camera stops, the enrolment photos' object URLs are let go. */
  destroy(): void {
    this.stop();
    this.stopWaitingForCamera();
    this.thumbs.forEach((url) => url && URL.revokeObjectURL(url));
  }

  private teacher(): string {
    return this.app.settings.teacherName || m.teacher_default();
  }

  /** Opens `s` for marking: its records, and the list the teacher marks by hand. */
  private async open(s: Session): Promise<void> {
    this.session = s;
    this.live = new LiveAttendance(this.app.db, s, this.app.students, this.engine);
    this.records = [...(await this.live.load())];
  }

  /** The session the form names: the one chosen, or a new one made now. */
  private async chosenSession(): Promise<Session> {
    const known = this.sessions.find((s) => String(s.id) === this.chosen);
    if (known) return known;
    const made = await startSession(this.app.db, {
      course: this.course.trim() || m.lesson_default(),
      className: this.className,
      start: new Date(),
      lateAfterMinutes: Number(this.lateAfter) || 0,
    });
    this.sessions = [made, ...this.sessions];
    this.chosen = String(made.id);
    return made;
  }

  /**
   * Runs live recognition with `started` on the playing camera, in the open session. An engine whose GPU is
   * lost is replaced by a WebAssembly one and recognition goes on, with its marks and the session kept.
   */
  private async recognise(started: FaceEngine): Promise<void> {
    const current = this.live!;
    this.engine = started;
    current.engine = started;
    await started.startLive({
      classifier: withThreshold(this.classifier!.snapshot, this.app.settings.threshold),
      marked: current.marked(),
      smallestFace: this.app.settings.smallestFace,
      options: {
        tracking: this.app.engineMode.tracking,
        pictureCheck: this.app.engineMode.pictureCheck ?? this.app.settings.pictureCheck,
      },
    });
    this.phase = 'running';
    this.suggestions = [];
    this.work = NO_WORK;
    this.loop = startRecognitionLoop(
      this.video!,
      started,
      (frame) => this.show(frame, current),
      (e) => {
        if (e instanceof GpuLostError && this.camera) {
          void this.carryOnWithoutGpu(e);
          return;
        }
        this.error = messageOf(e);
        this.stop();
      },
    );
  }

  /** One live frame on the screen: figures, boxes and tags, the records it changed, its suggestions. */
  private async show(frame: RecognitionFrame, current: LiveAttendance): Promise<void> {
    const byId = this.studentsById;
    this.fps = frame.fps;
    this.facesInView = frame.tracks.length;
    this.frameSize = { width: frame.width, height: frame.height };
    this.lastFaces = frame.tracks.map((t) => ({
      cx: Math.round(t.detection.box.x + t.detection.box.width / 2),
      cy: Math.round(t.detection.box.y + t.detection.box.height / 2),
      label: t.state === 'student' ? t.studentId : null,
      state: t.state,
    }));
    this.facesInWords = frame.tracks.map((t) => ({ id: t.id, text: describeFace(t, byId.get(t.studentId)) }));
    this.frameBackend = frame.backend;
    this.engineTensors = frame.tensors;
    const work = this.work;
    this.work = {
      full: work.full + (frame.kind === 'full' ? 1 : 0),
      follow: work.follow + (frame.kind === 'follow' ? 1 : 0),
      ms: Math.round(frame.ms),
      embedded: work.embedded + frame.embedded,
      why: { ...work.why, [frame.reason]: (work.why[frame.reason] ?? 0) + 1 },
    };
    if (this.canvas) {
      drawTrackedFaces(
        this.canvas,
        frame.width,
        frame.height,
        frame.tracks.map((t) => ({ box: t.detection.box, tone: toneOf(t), tag: tagOf(t, byId.get(t.studentId)) })),
      );
    }
    current.students = this.app.students;
    const handled = await current.handle(frame);
    if (handled.changed) this.records = [...current.attendance];
    handled.arrivals.forEach((a) => this.announce(a));
    if (handled.arrivals.length) this.beep();
    await this.updateSuggestions(frame.suggestions, performance.now());
  }

  /** The GPU stopped: the same camera and session go on with a WebAssembly engine. */
  private async carryOnWithoutGpu(lost: GpuLostError): Promise<void> {
    this.loop?.stop();
    this.loop = null;
    this.engine = null;
    if (this.live) this.live.engine = null;
    this.app.gpuLost();
    this.cameraNote = lost.message;
    try {
      const replacement = await this.app.faceEngine();
      if (!this.camera || !this.live) return;
      await this.recognise(replacement);
    } catch (e) {
      this.error = messageOf(e);
      this.stop();
    }
  }

  /**
   * The camera can go mid-lesson: the cable pulled, another app taking it, the laptop asleep. Its track
   * ending stops recognition with a message (the session and its marks stay, open for marking by hand), and
   * the same camera is waited for: once it can be opened again, recognition goes on in the same session by
   * itself. A muted track (no picture) is said while it lasts.
   */
  private cameraEvent(event: CameraEvent): void {
    if (event === 'connected' && this.cameraWait) return;
    if (event === 'ended') {
      const deviceId = this.camera?.deviceId;
      this.stop();
      if (this.live) this.waitForCamera(deviceId);
    }
    this.cameraNote = cameraNoteAfter(event, this.cameraNote, {
      ended: m.attend_camera_ended(),
      connected: m.attend_camera_connected(),
    });
  }

  private waitForCamera(deviceId: string | undefined): void {
    this.stopWaitingForCamera();
    const wait = new AbortController();
    this.cameraWait = wait;
    void reopenCamera(deviceId ? { deviceId } : {}, wait.signal).then((stream) => {
      if (!stream) return;
      this.cameraWait = null;
      // The teacher may have gone on meanwhile (ended the session, or started by hand).
      if (this.live && this.phase === 'idle') void this.start(stream);
      else stopCamera(stream);
    });
  }

  private stopWaitingForCamera(): void {
    this.cameraWait?.abort();
    this.cameraWait = null;
  }

  private announce({ student, record }: { student: Student; record: AttendanceRecord }): void {
    this.banners.show(
      record.status === 'late' ? m.banner_late({ name: student.name }) : m.banner_present({ name: student.name }),
    );
  }

  private beep(): void {
    if (!this.app.settings.sound) return;
    try {
      const audio = new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.15);
      osc.onended = () => void audio.close();
    } catch {
      // No sound device: the visible cue is enough.
    }
  }

  /** The face of a track as the camera shows it now, small, for the teacher to compare. */
  private snapshotFace(t: TrackView): string {
    const { x, y, width: w, height: h } = t.detection.box;
    const side = Math.max(w, h) * 1.3;
    const c = document.createElement('canvas');
    c.width = 96;
    c.height = 96;
    c.getContext('2d')?.drawImage(this.video!, x + w / 2 - side / 2, y + h / 2 - side / 2, side, side, 0, 0, 96, 96);
    return c.toDataURL('image/jpeg', 0.85);
  }

  private async thumbOf(studentId: string): Promise<string> {
    const known = this.thumbs.get(studentId);
    if (known !== undefined) return known;
    const [first] = await samplesOfStudent(this.app.db, studentId);
    const url = first ? URL.createObjectURL(first.image) : '';
    this.thumbs.set(studentId, url);
    return url;
  }

  private async updateSuggestions(views: readonly TrackView[], now: number): Promise<void> {
    for (const t of views) {
      if (this.rejected.has(`${t.id}|${t.studentId}`)) continue;
      const known = this.suggestions.find((s) => s.studentId === t.studentId);
      if (known) {
        known.trackId = t.id;
        known.probability = t.prediction.probability;
        known.lastSeen = now;
        continue;
      }
      const student = this.app.students.find((x) => x.studentId === t.studentId);
      if (!student) continue;
      const crop = this.snapshotFace(t);
      this.suggestions.push({
        studentId: t.studentId,
        name: student.name,
        trackId: t.id,
        probability: t.prediction.probability,
        crop,
        thumb: await this.thumbOf(t.studentId),
        lastSeen: now,
      });
    }
    this.suggestions = this.suggestions.filter(
      (s) => now - s.lastSeen <= SUGGESTION_KEEP_MS && !isDecided(this.byStudent.get(s.studentId)),
    );
  }
}

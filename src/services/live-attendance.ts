/**
 * The live attendance use case, between the face engine's frames and the database: who is expected, who is
 * marked, sightings written (a new arrival at once, a student seen again at most every `writeEveryMs`), the
 * teacher's confirmations and marks by hand, and the engine told who is marked so it never suggests them.
 * A mark by hand shows at once (the list changes before it is written; the write follows in order with the
 * frames' writes), so a click never waits for the frame the engine is working on. No DOM: the screen draws
 * what `handle` returns; the tests drive it with plain frames.
 */
import type { AttendanceDatabase, AttendanceRecord, AttendanceStatus, Session, Student } from '../db/schema';
import {
  closeSession,
  confirmSighting,
  handRecord,
  isDecided,
  markByHand,
  recordSighting,
  sessionAttendance,
} from './attendance';
import type { LiveFrame } from './engine-core';

export { expectedStudents } from './attendance';

export interface Arrival {
  readonly student: Student;
  readonly record: AttendanceRecord;
}

export interface HandledFrame {
  /** Students marked for the first time by this frame. */
  readonly arrivals: readonly Arrival[];
  /** True when any record changed (the screen reloads them). */
  readonly changed: boolean;
}

/** What the use case needs of the engine: to be told who is marked. */
export interface MarkedSink {
  setMarked(studentIds: readonly string[]): Promise<void>;
}

/** Tells nobody: a session taken by hand, without the camera. */
const NO_ENGINE: MarkedSink = { setMarked: () => Promise.resolve() };

export class LiveAttendance {
  private records: AttendanceRecord[] = [];
  private readonly lastWritten = new Map<string, number>();
  private byId: Map<string, Student>;
  private studentList: readonly Student[];
  /** Marks by hand shown but not yet written, by student: they win over what a read finds meanwhile. */
  private readonly pending = new Map<string, AttendanceRecord>();
  /** Every write, one after the other in the order asked (a frame's sightings, a click's mark). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Who is told which students are marked: the face engine while the camera runs, else nobody. */
  private sink: MarkedSink;

  constructor(
    private readonly db: AttendanceDatabase,
    readonly session: Session,
    students: readonly Student[],
    engine: MarkedSink | null,
    private readonly options: { readonly writeEveryMs?: number; readonly now?: () => number } = {},
  ) {
    this.studentList = students;
    this.byId = new Map(students.map((s) => [s.studentId, s]));
    this.sink = engine ?? NO_ENGINE;
  }

  /**
   * The students as the database holds them now (the screen follows it, also another tab's changes): a
   * renamed student is recorded under the new name from the next sighting or mark, a deleted one is no
   * longer recorded (their past records keep their snapshot). Cheap when the list is the same.
   */
  set students(students: readonly Student[]) {
    if (students === this.studentList) return;
    this.studentList = students;
    this.byId = new Map(students.map((s) => [s.studentId, s]));
  }

  /** The engine to tell who is marked (null: none, the camera is off). */
  set engine(engine: MarkedSink | null) {
    this.sink = engine ?? NO_ENGINE;
  }

  get attendance(): readonly AttendanceRecord[] {
    return this.records;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private withPending(records: readonly AttendanceRecord[]): AttendanceRecord[] {
    const out = records.filter((r) => !this.pending.has(r.studentId));
    return [...out, ...this.pending.values()];
  }

  /** Reads the session's records and tells the engine who is marked. */
  async load(): Promise<readonly AttendanceRecord[]> {
    this.records = this.withPending(await sessionAttendance(this.db, this.session.id!));
    await this.sink.setMarked(this.marked());
    return this.records;
  }

  /**
   * Sets a student's status by hand: `attendance` changes at once (the screen redraws from it), the engine
   * is told without waiting for it, and the write follows in turn; `written` settles when it is stored (it
   * rejects, and the list goes back, where the write fails).
   */
  mark(
    studentId: string,
    status: AttendanceStatus,
    by: string,
    note?: string,
  ): { readonly attendance: readonly AttendanceRecord[]; readonly written: Promise<void> } {
    const student = this.byId.get(studentId);
    if (!student) return { attendance: this.records, written: Promise.resolve() };
    const at = new Date((this.options.now ?? Date.now)());
    const existing = this.records.find((r) => r.studentId === studentId);
    const shown = handRecord(existing, this.session.id!, student, status, by, at, note);
    if (existing?.id !== undefined) shown.id = existing.id;
    this.pending.set(studentId, shown);
    this.records = this.withPending(this.records);
    void this.sink.setMarked(this.marked()).catch(() => undefined);
    const written = this.inTurn(async () => {
      try {
        await markByHand(this.db, this.session.id!, student, status, by, at, note);
      } finally {
        if (this.pending.get(studentId) === shown) this.pending.delete(studentId);
      }
      await this.load();
    });
    written.catch(() => this.inTurn(() => this.load()).catch(() => undefined));
    return { attendance: this.records, written };
  }

  /** Ends the session, recording every expected student not seen as absent; returns how many. */
  close(expected: readonly Student[], at = new Date()): Promise<number> {
    return this.inTurn(async () => {
      const n = await closeSession(this.db, this.session.id!, expected, at);
      this.records = this.withPending(await sessionAttendance(this.db, this.session.id!));
      return n;
    });
  }

  /** The students already decided (marked by the camera, by hand, or confirmed). */
  marked(): string[] {
    return this.records.filter((r) => isDecided(r)).map((r) => r.studentId);
  }

  /** Writes the sightings of a frame's recognised students. */
  handle(frame: LiveFrame): Promise<HandledFrame> {
    return this.inTurn(() => this.handleNow(frame));
  }

  private async handleNow(frame: LiveFrame): Promise<HandledFrame> {
    const now = (this.options.now ?? Date.now)();
    const every = this.options.writeEveryMs ?? 10_000;
    const fresh = new Set(frame.newlyRecognised.map((r) => r.studentId));
    const arrivals: Arrival[] = [];
    let changed = false;
    for (const t of frame.tracks) {
      if (t.state !== 'student') continue;
      const student = this.byId.get(t.studentId);
      if (!student) continue;
      if (!fresh.has(t.studentId) && now - (this.lastWritten.get(t.studentId) ?? -Infinity) < every) continue;
      this.lastWritten.set(t.studentId, now);
      const { record, isNew } = await recordSighting(
        this.db,
        this.session.id!,
        student,
        t.prediction.probability,
        new Date(now),
      );
      changed = true;
      if (isNew) arrivals.push({ student, record });
    }
    if (changed) await this.load();
    return { arrivals, changed };
  }

  /** The teacher confirms a suggestion. */
  confirm(studentId: string, probability: number, by: string): Promise<Arrival | null> {
    const student = this.byId.get(studentId);
    if (!student) return Promise.resolve(null);
    return this.inTurn(async () => {
      const { record } = await confirmSighting(this.db, this.session.id!, student, probability, by);
      await this.load();
      return { student, record };
    });
  }
}

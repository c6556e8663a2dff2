/**
 * The live attendance use case, between the face engine's frames and the database: who is expected, who is
 * marked, sightings written (a new arrival at once, a student seen again at most every `writeEveryMs`), the
 * teacher's confirmations, and the engine told who is marked so it never suggests them. No DOM: the screen
 * draws what `handle` returns; the tests drive it with plain frames.
 */
import type { AttendanceDatabase, AttendanceRecord, Session, Student } from '../db/schema';
import { confirmSighting, isDecided, recordSighting, sessionAttendance } from './attendance';
import type { LiveFrame } from './engine-core';

/** The students a session expects: its class, or everyone where the class has nobody enrolled. */
export function expectedStudents(students: readonly Student[], session: Session | null): Student[] {
  if (!session) return [];
  const ofClass = students.filter((s) => s.className === session.className);
  return ofClass.length > 0 ? ofClass : [...students];
}

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

export class LiveAttendance {
  private records: AttendanceRecord[] = [];
  private readonly lastWritten = new Map<string, number>();
  private readonly byId: Map<string, Student>;

  constructor(
    private readonly db: AttendanceDatabase,
    readonly session: Session,
    students: readonly Student[],
    private readonly engine: MarkedSink,
    private readonly options: { readonly writeEveryMs?: number; readonly now?: () => number } = {},
  ) {
    this.byId = new Map(students.map((s) => [s.studentId, s]));
  }

  get attendance(): readonly AttendanceRecord[] {
    return this.records;
  }

  /** Reads the session's records and tells the engine who is marked. */
  async load(): Promise<readonly AttendanceRecord[]> {
    this.records = await sessionAttendance(this.db, this.session.id!);
    await this.engine.setMarked(this.marked());
    return this.records;
  }

  /** The students already decided (marked by the camera, by hand, or confirmed). */
  marked(): string[] {
    return this.records.filter((r) => isDecided(r)).map((r) => r.studentId);
  }

  /** Writes the sightings of a frame's recognised students. */
  async handle(frame: LiveFrame): Promise<HandledFrame> {
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
  async confirm(studentId: string, probability: number, by: string): Promise<Arrival | null> {
    const student = this.byId.get(studentId);
    if (!student) return null;
    const { record } = await confirmSighting(this.db, this.session.id!, student, probability, by);
    await this.load();
    return { student, record };
  }
}

/**
 * The measurement behind `npm run bench:db`, the same in Node (fake-indexeddb) and in Chromium (its
 * IndexedDB): write a school's worth of students and face samples through the app's repositories, then
 * load every embedding for training, as the Train button does.
 */
import { seededRandom } from '../../src/classifier/random';
import { unpack } from '../../src/db/packs';
import { addFaceSamples, loadTrainingData, sampleCounts } from '../../src/db/samples';
import { AttendanceDatabase } from '../../src/db/schema';
import { addStudent } from '../../src/db/students';

export interface DbBenchOptions {
  readonly students: number;
  readonly samplesEach: number;
  readonly dimension: number;
  /** Bytes of each (stand-in) JPEG crop. */
  readonly cropBytes: number;
  readonly log?: (line: string) => void;
}

export interface DbBenchResult {
  readonly addStudentsMs: number;
  readonly writeSamplesMs: number;
  readonly loadEmbeddingsMs: number;
  /** The same again, with the database's caches warm. */
  readonly loadAgainMs: number;
  /** Of which: reading the packs, and unpacking them. */
  readonly readPacksMs: number;
  readonly unpackMs: number;
  readonly loadedEmbeddings: number;
  readonly countSamplesMs: number;
  /** What was written: embeddings and crops. */
  readonly payloadBytes: number;
}

const MODEL = 'faceres';

export async function runDbBench(name: string, o: DbBenchOptions): Promise<DbBenchResult> {
  const log = o.log ?? (() => undefined);
  const random = seededRandom(7);
  let db = new AttendanceDatabase(name);
  await db.delete();
  db = new AttendanceDatabase(name);
  await db.open();
  const ids = Array.from({ length: o.students }, (_, i) => `S${String(i + 1).padStart(5, '0')}`);
  let started = performance.now();
  for (const [i, studentId] of ids.entries()) {
    await addStudent(db, {
      studentId,
      name: `Nguyễn Văn ${i + 1}`,
      faculty: 'Engineering',
      course: 'Computer Science',
      year: '2026',
      semester: '1',
      className: `CS-${(i % 40) + 1}`,
      gender: i % 2 ? 'Female' : 'Male',
      dateOfBirth: '2008-05-01',
      email: `student${i + 1}@school.example`,
      phone: '+84 912 345 678',
      address: 'Hà Nội',
      consent: { givenAt: '2026-09-01T08:00:00.000Z', recordedBy: 'Bench' },
    });
  }
  const addStudentsMs = performance.now() - started;
  log(`students written in ${addStudentsMs.toFixed(0)} ms`);

  // A stand-in JPEG: the marker, then bytes that do not compress (as a JPEG's do not).
  const crop = (): Blob => {
    const bytes = new Uint8Array(o.cropBytes);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (random() * 256) | 0;
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    return new Blob([bytes], { type: 'image/jpeg' });
  };
  const embedding = (): Float32Array => {
    const e = Float32Array.from({ length: o.dimension }, () => random() - 0.5);
    const n = Math.hypot(...e);
    return e.map((v) => v / n);
  };
  let writeSamplesMs = 0;
  for (const [i, studentId] of ids.entries()) {
    const batch = Array.from({ length: o.samplesEach }, () => ({
      image: crop(),
      face: null,
      imageKind: 'face-image' as const,
      embeddings: { [MODEL]: embedding() },
      quality: { sharpness: 120, faceSize: 160 },
      source: 'camera' as const,
      capturedAt: new Date(Date.UTC(2026, 8, 1, 8, 0, i)).toISOString(),
    }));
    started = performance.now();
    await addFaceSamples(db, studentId, batch);
    writeSamplesMs += performance.now() - started;
    if ((i + 1) % 250 === 0) log(`${i + 1} students' samples written`);
  }
  db.close();

  // A fresh connection, as after opening the app.
  db = new AttendanceDatabase(name);
  await db.open();
  started = performance.now();
  const data = await loadTrainingData(db, MODEL);
  const loadEmbeddingsMs = performance.now() - started;
  started = performance.now();
  await loadTrainingData(db, MODEL);
  const loadAgainMs = performance.now() - started;
  // Where the time goes: reading the packs, and turning them back into floats.
  started = performance.now();
  const packs = await db.embeddingPacks.toArray();
  const readPacksMs = performance.now() - started;
  started = performance.now();
  packs.forEach((p) => unpack(p));
  const unpackMs = performance.now() - started;
  started = performance.now();
  await sampleCounts(db);
  const countSamplesMs = performance.now() - started;
  db.close();
  const total = o.students * o.samplesEach;
  return {
    addStudentsMs,
    writeSamplesMs,
    loadEmbeddingsMs,
    loadAgainMs,
    readPacksMs,
    unpackMs,
    loadedEmbeddings: data.samples.length,
    countSamplesMs,
    payloadBytes: total * (o.dimension * 4 + o.cropBytes),
  };
}

/** Face samples, embedding packs and classifiers on fake-indexeddb, and the schema upgrade from version 1. */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors';
import { exportBackup, restoreBackup } from '../../src/db/backup';
import { packsOf, unpack } from '../../src/db/packs';
import {
  addFaceSamples,
  deleteFaceSample,
  ENOUGH_SAMPLES,
  loadClassifier,
  loadTrainingData,
  sampleCounts,
  samplesOfStudent,
  saveClassifier,
  type NewFaceSample,
} from '../../src/db/samples';
import { AttendanceDatabase, type FaceSample } from '../../src/db/schema';
import { addStudent, deleteStudent, getStudent, updateStudent } from '../../src/db/students';
import { seededRandom } from '../../src/classifier/random';
import { faceSample } from '../helpers/samples';
import { studentForm } from '../helpers/students';
import { useTestDatabase } from '../helpers/test-db';

const t = useTestDatabase('samples');
const random = seededRandom(3);

function unitVector(d = 64): Float32Array {
  const v = Float32Array.from({ length: d }, () => random() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function sample(embeddings: Record<string, Float32Array> = { faceres: unitVector() }, at = 0): NewFaceSample {
  return faceSample(at, embeddings);
}

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, k) => s + x * b[k]!, 0);

describe('packs', () => {
  it('keep each embedding to a cosine above 0.9998 in a quarter of the bytes', () => {
    const rows: FaceSample[] = Array.from({ length: 5 }, (_, i) => ({
      ...sample({ faceres: unitVector(1024) }),
      id: i + 1,
      studentId: 'S1',
    }));
    const [pack] = packsOf(rows);
    expect(pack!.sampleIds).toEqual([1, 2, 3, 4, 5]);
    expect(pack!.codes.byteLength).toBe(5 * 1024);
    unpack(pack!).forEach((v, i) => {
      expect(cosine(v, rows[i]!.embeddings.faceres!)).toBeGreaterThan(0.9998);
      expect(Math.hypot(...v)).toBeCloseTo(1, 3);
    });
  });
});

describe('face samples', () => {
  it('updates the photo-sample status, the packs and the need to retrain as samples come and go', async () => {
    const { db } = t;
    await addStudent(db, studentForm('S1', 'An'));
    await addStudent(db, studentForm('S2', 'Bình'));
    await saveClassifier(db, 'faceres', '{}', '2026-09-01T00:00:00Z');
    expect((await loadClassifier(db, 'faceres'))!.needsRetraining).toBe(false);

    const added = await addFaceSamples(db, 'S1', [sample(), sample()]);
    expect((await getStudent(db, 'S1'))!.photoSampleStatus).toBe('some');
    expect((await loadClassifier(db, 'faceres'))!.needsRetraining).toBe(true);
    await addFaceSamples(
      db,
      'S2',
      Array.from({ length: ENOUGH_SAMPLES }, (_, i) => sample(undefined, i)),
    );
    expect((await getStudent(db, 'S2'))!.photoSampleStatus).toBe('enough');
    expect(await sampleCounts(db)).toEqual(
      new Map([
        ['S1', 2],
        ['S2', ENOUGH_SAMPLES],
      ]),
    );
    expect((await samplesOfStudent(db, 'S2')).map((s) => s.capturedAt)).toEqual(
      [...(await samplesOfStudent(db, 'S2')).map((s) => s.capturedAt)].sort(),
    );

    const data = await loadTrainingData(db, 'faceres');
    expect(data.samples.filter((s) => s.label === 'S1')).toHaveLength(2);
    expect(data.samples.filter((s) => s.label === 'S2')).toHaveLength(ENOUGH_SAMPLES);
    expect(
      cosine(data.samples.find((s) => s.label === 'S1')!.embedding, added[0]!.embeddings.faceres!),
    ).toBeGreaterThan(0.9998);

    await deleteFaceSample(db, added[0]!.id!);
    await deleteFaceSample(db, added[0]!.id!); // gone already: nothing happens
    expect((await loadTrainingData(db, 'faceres')).samples.filter((s) => s.label === 'S1')).toHaveLength(1);
    await deleteFaceSample(db, added[1]!.id!);
    expect((await getStudent(db, 'S1'))!.photoSampleStatus).toBe('none');
    expect(await db.embeddingPacks.where('studentId').equals('S1').count()).toBe(0);
  });

  it('counts samples that lack the chosen model as missing, and keeps each model apart', async () => {
    const { db } = t;
    await addStudent(db, studentForm('S1', 'An'));
    await addFaceSamples(db, 'S1', [
      sample({ faceres: unitVector(), resnet: unitVector(16) }),
      sample({ resnet: unitVector(16) }),
    ]);
    const faceres = await loadTrainingData(db, 'faceres');
    expect(faceres.samples).toHaveLength(1);
    expect(faceres.missing).toBe(1);
    const resnet = await loadTrainingData(db, 'resnet');
    expect(resnet.samples.map((s) => s.embedding.length)).toEqual([16, 16]);
    expect(resnet.missing).toBe(0);
  });

  it('refuses samples of an unknown student and writes nothing', async () => {
    const { db } = t;
    await expect(addFaceSamples(db, 'nobody', [sample()])).rejects.toThrow(ValidationError);
    expect(await db.faceSamples.count()).toBe(0);
    expect(await db.embeddingPacks.count()).toBe(0);
  });

  it('moves packs with a changed student ID and removes them with the student', async () => {
    const { db } = t;
    await addStudent(db, studentForm('S1', 'An'));
    await addFaceSamples(db, 'S1', [sample(), sample()]);
    await updateStudent(db, 'S1', studentForm('S9', 'An'));
    expect((await loadTrainingData(db, 'faceres')).samples.map((s) => s.label)).toEqual(['S9', 'S9']);
    await deleteStudent(db, 'S9');
    expect(await db.embeddingPacks.count()).toBe(0);
    expect((await loadTrainingData(db, 'faceres')).samples).toHaveLength(0);
  });

  it('replaces the classifier of a model on saving', async () => {
    const { db } = t;
    await saveClassifier(db, 'faceres', '{"a":1}', '2026-09-01T00:00:00Z');
    await saveClassifier(db, 'faceres', '{"a":2}', '2026-09-02T00:00:00Z');
    await saveClassifier(db, 'resnet', '{"b":1}', '2026-09-02T00:00:00Z');
    expect(await db.classifiers.count()).toBe(2);
    expect((await loadClassifier(db, 'faceres'))!.snapshot).toBe('{"a":2}');
  });

  it('leaves packs out of a backup and rebuilds them on restore', async () => {
    const { db } = t;
    await addStudent(db, studentForm('S1', 'An'));
    await addFaceSamples(db, 'S1', [sample(), sample()]);
    const before = await loadTrainingData(db, 'faceres');
    // A backup without photo counts (as version 1 wrote them): the restore counts again.
    await db.students.toCollection().modify({ photoCount: 0 });
    const backup = await exportBackup(db);
    expect(await backup.text()).not.toContain('embeddingPacks');
    await db.embeddingPacks.clear();
    await restoreBackup(db, backup);
    expect((await getStudent(db, 'S1'))!.photoCount).toBe(2);
    const after = await loadTrainingData(db, 'faceres');
    expect(after.samples.map((s) => Array.from(s.embedding))).toEqual(
      before.samples.map((s) => Array.from(s.embedding)),
    );
  });
});

describe('schema upgrade', () => {
  it('version 2 builds embedding packs from the samples version 1 wrote', async () => {
    const name = 'upgrade-from-1';
    await Dexie.delete(name);
    const v1 = declareVersion1(new Dexie(name));
    const vectors = [unitVector(), unitVector(), unitVector()];
    await v1.table('students').bulkAdd([
      { ...studentForm('S1', 'An'), photoSampleStatus: 'some', createdAt: '', updatedAt: '' },
      { ...studentForm('S2', 'Bình'), photoSampleStatus: 'some', createdAt: '', updatedAt: '' },
    ]);
    await v1.table('faceSamples').bulkAdd([
      { ...oldSample({ faceres: vectors[0]! }, 1), studentId: 'S1' },
      { ...oldSample({ faceres: vectors[1]! }, 2), studentId: 'S1' },
      { ...oldSample({ faceres: vectors[2]! }, 3), studentId: 'S2' },
    ]);
    v1.close();

    const db = new AttendanceDatabase(name);
    await db.open();
    expect(db.verno).toBe(3);
    expect(await db.embeddingPacks.count()).toBe(2);
    const data = await loadTrainingData(db, 'faceres');
    expect(data.samples.map((s) => s.label)).toEqual(['S1', 'S1', 'S2']);
    data.samples.forEach((s, i) => expect(cosine(s.embedding, vectors[i]!)).toBeGreaterThan(0.9998));
    expect((await db.students.toArray()).map((s) => s.photoCount)).toEqual([2, 1]);
    db.close();
    await db.delete();
  });

  it('version 3 keeps version 2 crops as images, with the landmarks their model put in known places', async () => {
    const name = 'upgrade-from-2';
    await Dexie.delete(name);
    // Version 2 exactly as it was declared: version 1 and the packs.
    const v2 = declareVersion1(new Dexie(name));
    v2.version(2).stores({ embeddingPacks: '&[modelId+studentId], studentId' });
    await v2
      .table('students')
      .add({ ...studentForm('S1', 'An'), photoSampleStatus: 'some', createdAt: '', updatedAt: '' });
    await v2.table('faceSamples').bulkAdd([
      { ...oldSample({ faceres: unitVector() }, 7), studentId: 'S1' },
      { ...oldSample({ 'dlib-resnet34': unitVector(128) }, 8), studentId: 'S1' },
      { ...oldSample({ 'facenet-20180402-114759': unitVector(512) }, 9), studentId: 'S1' },
    ]);
    v2.close();

    const db = new AttendanceDatabase(name);
    await db.open();
    expect(db.verno).toBe(3);
    const [faceres, resnet, facenet] = await samplesOfStudent(db, 'S1');
    expect(faceres).not.toHaveProperty('crop');
    expect(new Uint8Array(await faceres!.image.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 7]));
    expect(faceres!.imageKind).toBe('crop:faceres');
    // FaceRes cut 224-px crops at zoom 1: its left eye sat at the template's place.
    expect(faceres!.face!.landmarks[0].x).toBeCloseTo(38.2946 * 2, 3);
    expect(faceres!.face!.landmarks[0].y).toBeCloseTo(51.6963 * 2, 3);
    expect(resnet!.imageKind).toBe('crop:dlib-resnet34');
    expect(resnet!.face!.landmarks[1].x).toBeCloseTo(75 + (73.5318 * (150 / 112) - 75) * 1.25, 3);
    // FaceNet cut by box and margin: no landmarks are known; they are found again when needed.
    expect(facenet!.imageKind).toBe('crop:facenet-20180402-114759');
    expect(facenet!.face).toBeNull();
    db.close();
    await db.delete();
  });
});

/** Version 1 exactly as the first release declared it. */
function declareVersion1(db: Dexie): Dexie {
  db.version(1).stores({
    students: '++id, &studentId, name, className',
    faceSamples: '++id, studentId',
    classifiers: '++id, modelId',
    sessions: '++id, date, className',
    attendance: '++id, sessionId, studentId, &[sessionId+studentId]',
    settings: '&key',
  });
  return db;
}

/** A sample as versions 1 and 2 stored it: the model's own crop. */
function oldSample(embeddings: Record<string, Float32Array>, at: number) {
  return {
    crop: new Blob([new Uint8Array([0xff, 0xd8, at])], { type: 'image/jpeg' }),
    embeddings,
    quality: { sharpness: 100, faceSize: 150 },
    source: 'camera',
    capturedAt: new Date(Date.UTC(2026, 8, 1, 8, 0, at)).toISOString(),
  };
}

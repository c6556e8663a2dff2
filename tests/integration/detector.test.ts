import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAssetReader, mtcnnModelDir } from '../../scripts/lib/node-tf';
import { ModelLoadError } from '../../src/core/errors';
import { iou, matchBoxes, squareAboutCentre } from '../../src/core/geometry';
import type { FaceDetection } from '../../src/core/types';
import { DEFAULT_DETECTOR, MtcnnDetector, detectorEntry, type FaceDetector } from '../../src/detection';
import { datasetsDir, hasDatasets, missingDatasetsNote, readDlibBoxes } from '../helpers/datasets';
import { NPM_PHOTOS, loadImageTensor } from '../helpers/images';
import { loadDetector, mtcnnFiles, tf, useWasm } from '../helpers/tf-node';

let detector: MtcnnDetector;

beforeAll(async () => {
  await useWasm();
  detector = await loadDetector();
});

afterAll(() => detector?.dispose());

async function detectFile(path: string, d: MtcnnDetector = detector): Promise<FaceDetection[]> {
  const frame = loadImageTensor(path);
  try {
    return await d.detectFaces(frame);
  } finally {
    frame.dispose();
  }
}

function expectPlausibleLandmarks(face: FaceDetection): void {
  const [leftEye, rightEye, nose, mouthLeft, mouthRight] = face.landmarks;
  const { x, y, width, height } = face.box;
  for (const p of face.landmarks) {
    expect(p.x).toBeGreaterThan(x);
    expect(p.x).toBeLessThan(x + width);
    expect(p.y).toBeGreaterThan(y);
    expect(p.y).toBeLessThan(y + height);
  }
  expect(leftEye.x).toBeLessThan(rightEye.x);
  expect(mouthLeft.x).toBeLessThan(mouthRight.x);
  // Means, not extremes: a tilted head can lift one mouth corner above the nose.
  expect((leftEye.y + rightEye.y) / 2).toBeLessThan(nose.y);
  expect(nose.y).toBeLessThan((mouthLeft.y + mouthRight.y) / 2);
}

describe('MTCNN on photos that npm ships (runs on a bare clone)', () => {
  it.each(Object.entries(NPM_PHOTOS))('finds every face in %s, with landmarks in place', async (_name, photo) => {
    const faces = await detectFile(photo.file);
    expect(faces).toHaveLength(photo.faces);
    for (const face of faces) {
      expect(face.score).toBeGreaterThan(0.9);
      expectPlausibleLandmarks(face);
    }
    const scores = faces.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('keeps only the most probable faces when maxFaces is set', async () => {
    const all = await detectFile(NPM_PHOTOS.sample6.file);
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    const two = await detector.detectFaces(frame, { maxFaces: 2 });
    frame.dispose();
    expect(two).toEqual(all.slice(0, 2));
  });
});

describe.skipIf(!hasDatasets)(`MTCNN on the shared datasets (${hasDatasets ? 'present' : missingDatasetsNote})`, () => {
  it("agrees with face-api.js's MTCNN on faces.jpg: all 6 faces, nothing else, IoU ≥ 0.75 once squared", async () => {
    const golden = JSON.parse(
      readFileSync(join(datasetsDir, 'detection/faceapi-bbt/faces.expected-mtcnn.json'), 'utf8'),
    ) as {
      boxes: { x: number; y: number; width: number; height: number }[];
    };
    const faces = await detectFile(join(datasetsDir, 'detection/faceapi-bbt/images/faces.jpg'));
    expect(faces).toHaveLength(golden.boxes.length);
    const matches = matchBoxes(
      golden.boxes,
      faces.map((f) => squareAboutCentre(f.box)),
      0.75,
    );
    expect(matches).toHaveLength(golden.boxes.length);
    faces.forEach(expectPlausibleLandmarks);
  });

  it('finds at least 90% of the hand-labelled faces of the dlib photos (IoU ≥ 0.4), fed RGB', async () => {
    const rgb = await dlibRecall(false);
    const bgr = await dlibRecall(true);
    console.log(
      `dlib recall: RGB ${rgb.found}/${rgb.total} = ${(rgb.found / rgb.total).toFixed(3)} (${rgb.extra} extra), ` +
        `BGR ${bgr.found}/${bgr.total} = ${(bgr.found / bgr.total).toFixed(3)} (${bgr.extra} extra)`,
    );
    expect(rgb.found / rgb.total).toBeGreaterThanOrEqual(0.9);
    // The weights expect RGB (FACTS.md): fed BGR, as face-api.js does, they must not do better.
    expect(rgb.found).toBeGreaterThanOrEqual(bgr.found);
  });

  it('finds no face in a blank white image', async () => {
    expect(await detectFile(join(datasetsDir, 'detection/faceapi-bbt/images/white.png'))).toEqual([]);
  });
});

async function dlibRecall(bgr: boolean): Promise<{ found: number; total: number; extra: number }> {
  let found = 0;
  let total = 0;
  let extra = 0;
  for (const xml of ['training.xml', 'testing.xml']) {
    for (const image of readDlibBoxes(join(datasetsDir, 'detection/dlib', xml))) {
      const frame = loadImageTensor(image.file);
      const input = bgr ? tf.reverse(frame, -1) : frame;
      const faces = await detector.detectFaces(input);
      tf.dispose([frame, input]);
      const matched = matchBoxes(
        image.boxes,
        faces.map((f) => f.box),
        0.4,
      ).length;
      found += matched;
      total += image.boxes.length;
      extra += faces.length - matched;
    }
  }
  return { found, total, extra };
}

describe('following faces with O-Net alone (refreshFaces)', () => {
  it('finds each face again from its last box, or from a box moved by a tenth of its width, and nothing where there is none', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample6.file);
    try {
      const found = await detector.detectFaces(frame);
      expect(found).toHaveLength(NPM_PHOTOS.sample6.faces);
      const boxes = found.map((f) => f.box);
      const same = await detector.refreshFaces(frame, boxes);
      const moved = await detector.refreshFaces(
        frame,
        boxes.map((b) => ({ ...b, x: b.x + b.width / 10, y: b.y - b.height / 10 })),
      );
      for (const [i, f] of found.entries()) {
        expect(iou(same[i]!.box, f.box)).toBeGreaterThan(0.7);
        expect(iou(moved[i]!.box, f.box)).toBeGreaterThan(0.6);
        // Landmarks within a tenth of the face's width of the detection's.
        f.landmarks.forEach((p, k) =>
          expect(Math.hypot(p.x - same[i]!.landmarks[k]!.x, p.y - same[i]!.landmarks[k]!.y)).toBeLessThan(
            f.box.width / 10,
          ),
        );
      }
      // The wall between two faces, and the top corner: no face there.
      const empty = await detector.refreshFaces(frame, [
        { x: 0, y: 0, width: 120, height: 120 },
        { x: frame.shape[1] - 130, y: 5, width: 120, height: 120 },
      ]);
      expect(empty).toEqual([null, null]);
      const before = tf.memory().numTensors;
      await detector.refreshFaces(frame, boxes);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      frame.dispose();
    }
  });
});

describe('MTCNN on awkward input', () => {
  it('gives [] for an image without faces', async () => {
    const grey = tf.fill<tf.Rank.R3>([480, 640, 3], 128, 'int32');
    expect(await detector.detectFaces(grey)).toEqual([]);
    grey.dispose();
  });

  it('gives [] for images under 12 px or smaller than the smallest face', async () => {
    for (const shape of [
      [1, 1, 3],
      [10, 10, 3],
      [11, 300, 3],
      [19, 19, 3],
    ] as const) {
      const tiny = tf.fill<tf.Rank.R3>([...shape], 200, 'int32');
      expect(await detector.detectFaces(tiny)).toEqual([]);
      tiny.dispose();
    }
  });

  it('finds the faces of a 4000 px photo, in its own pixels, by downscaling first', async () => {
    const small = loadImageTensor(NPM_PHOTOS.sample6.file);
    const [h, w] = small.shape;
    const big = tf.tidy(() => tf.cast(tf.image.resizeBilinear(small, [Math.round((h * 4000) / w), 4000]), 'int32'));
    const started = performance.now();
    const faces = await detector.detectFaces(big);
    console.log(`4000×${big.shape[0]} photo: ${faces.length} faces in ${Math.round(performance.now() - started)} ms`);
    const reference = await detector.detectFaces(small);
    tf.dispose([small, big]);
    expect(faces).toHaveLength(NPM_PHOTOS.sample6.faces);
    const f = 4000 / w;
    const scaled = reference.map((r) => ({
      x: r.box.x * f,
      y: r.box.y * f,
      width: r.box.width * f,
      height: r.box.height * f,
    }));
    expect(
      matchBoxes(
        scaled,
        faces.map((d) => d.box),
        0.7,
      ),
    ).toHaveLength(faces.length);
  });

  it('handles a very wide strip (4000 × 120) with one face in it', async () => {
    const photo = loadImageTensor(NPM_PHOTOS.sample6.file);
    const [face] = await detector.detectFaces(photo);
    const strip = tf.tidy(() => {
      const { x, y, width, height } = face!.box;
      const side = Math.round(Math.max(width, height) * 1.3);
      const cx = Math.round(x + width / 2 - side / 2);
      const cy = Math.round(y + height / 2 - side / 2);
      const crop = tf.image.resizeBilinear(
        tf.slice(photo, [Math.max(cy, 0), Math.max(cx, 0), 0], [side, side, 3]),
        [120, 120],
      );
      return tf.cast<tf.Tensor3D>(
        tf.pad(
          crop,
          [
            [0, 0],
            [1900, 1980],
            [0, 0],
          ],
          128,
        ),
        'int32',
      );
    });
    const faces = await detector.detectFaces(strip);
    tf.dispose([photo, strip]);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.box.x).toBeGreaterThan(1880);
    expect(faces[0]!.box.x).toBeLessThan(2000);
  });

  it('rejects a frame that is not [height, width, 3] with a message saying so', async () => {
    const grey = tf.zeros([48, 48], 'int32') as unknown as tf.Tensor3D;
    await expect(detector.detectFaces(grey)).rejects.toThrow(/\[height, width, 3\]/);
    grey.dispose();
  });
});

describe('MTCNN memory', () => {
  it('leaves no tensor behind after detection, with and without faces', async () => {
    const frame = loadImageTensor(NPM_PHOTOS.sample1.file);
    const blank = tf.zeros<tf.Rank.R3>([240, 320, 3], 'int32');
    await detector.detectFaces(frame);
    const before = tf.memory().numTensors;
    expect(await detector.detectFaces(frame)).toHaveLength(NPM_PHOTOS.sample1.faces);
    expect(await detector.detectFaces(blank)).toEqual([]);
    await detector.warmUp(320, 240);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([frame, blank]);
  });

  it('frees all its weights on dispose, and refuses to run afterwards', async () => {
    const before = tf.memory().numTensors;
    const d = await loadDetector();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const frame = tf.zeros<tf.Rank.R3>([64, 64, 3], 'int32');
    await expect(d.detectFaces(frame)).rejects.toThrow(/disposed/);
    frame.dispose();
  });
});

describe('MTCNN model files', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtcnn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function freshCopy(): string {
    const d = mkdtempSync(join(dir, 'copy-'));
    for (const f of readdirSync(mtcnnModelDir)) copyFileSync(join(mtcnnModelDir, f), join(d, f));
    return d;
  }

  async function loadError(d: string): Promise<ModelLoadError> {
    const before = tf.memory().numTensors;
    const error = await MtcnnDetector.load(fileAssetReader(d)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(ModelLoadError);
    return error as ModelLoadError;
  }

  it('names a shard whose bytes were changed', async () => {
    const d = freshCopy();
    const bin = readFileSync(join(d, 'rnet.bin'));
    bin[1000] = bin[1000]! ^ 0xff;
    writeFileSync(join(d, 'rnet.bin'), bin);
    const e = await loadError(d);
    expect(e.file).toBe('rnet.bin');
    expect(e.message).toMatch(/rnet\.bin is corrupt.*npm run models/);
  });

  it('names a truncated shard', async () => {
    const d = freshCopy();
    truncateSync(join(d, 'onet.bin'), 1000);
    const e = await loadError(d);
    expect(e.file).toBe('onet.bin');
    expect(e.message).toMatch(/truncated/);
  });

  it('names a manifest that is not JSON', async () => {
    const d = freshCopy();
    writeFileSync(join(d, 'pnet.json'), '{ not json');
    expect((await loadError(d)).file).toBe('pnet.json');
  });

  it('names a missing index', async () => {
    const d = freshCopy();
    unlinkSync(join(d, 'mtcnn.json'));
    const e = await loadError(d);
    expect(e.file).toBe('mtcnn.json');
    expect(e.message).toMatch(/npm run models/);
  });
});

describe('the detector registry', () => {
  it('loads MTCNN by its id, as the face pipeline takes it', async () => {
    const entry = detectorEntry(DEFAULT_DETECTOR);
    const loaded: FaceDetector = await entry.load(() => mtcnnFiles);
    try {
      expect(loaded.id).toBe('mtcnn');
      const photo = Object.values(NPM_PHOTOS)[0]!;
      const frame = loadImageTensor(photo.file);
      try {
        expect(await loaded.detectFaces(frame)).toHaveLength(photo.faces);
      } finally {
        frame.dispose();
      }
    } finally {
      loaded.dispose();
    }
  });

  it('names the known detectors for an unknown id', () => {
    expect(() => detectorEntry('retinaface')).toThrow(/No face detector "retinaface"; known: mtcnn, blazeface/);
    expect(() => detectorEntry('toString')).toThrow(RangeError);
  });
});

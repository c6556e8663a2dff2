/**
 * `npm run bench:live`: the built app's live attendance in headless Chromium, on fake webcams made from the
 * shared datasets, with the pipeline before the live-pipeline work side by side in the same run:
 *
 * - "before": `?engine=page&tracking=off&fuse=off`, the face engine on the page's thread, every face of every
 *   frame detected and embedded, the embedding graph as converted (as the app was);
 * - "after": the app as shipped, the engine in its worker, faces tracked, embeddings only where needed,
 *   live frames searched by BlazeFace with O-Net;
 * - "after-mtcnn": the same with MTCNN searching live frames (`?detector=mtcnn`, Settings' "Thorough");
 * - "after-nopicture": the app without its check for photos held up to the camera (`?picture=off`).
 * "before" runs without the photo check too (it came later).
 *
 * Two scenes: 4 enrolled faces at 640×480 (a 2×2 grid of LFW photos), and a classroom at 1280×720 (30 of 34
 * enrolled students seated, 4 strangers, each seat cycling through three photos of its person every 2 s, as
 * `npm run bench:classroom` draws it). The students are imported from a roster and enrolled by uploading 5
 * photos each, then trained, all through the app's screens. The bench plays the teacher: it confirms a
 * suggestion of a seated student and rejects any other.
 *
 * Per run it prints: frames per second shown (median once all are identified), the time from Start until
 * every seated student is marked, clicks, main-thread long tasks (PerformanceObserver 'longtask'), click
 * latency (from the press until the screen shows its effect, timed from outside the page, a click every 3 s
 * on the screen's "Faces in view" toggle), and the engine's tensors and the page's JS heap at the start and the end.
 *
 *   npm run bench:live -- [--seconds 60] [--soak-minutes 0] [--scenes four,classroom]
 *     [--pipelines before,after,after-mtcnn] [--seed 1] [--json]
 *
 * `--soak-minutes 10` adds a run of the "after" pipeline on each scene that long, with the engine's tensors,
 * the page's JS heap after a full collection and the renderer processes' resident memory once a minute and
 * 5 s after Stop (`--pipelines ''` runs the soaks alone). `--dist DIR` runs it all on another build (an older
 * commit's `dist/`, built in a worktree), for a before-and-after of the same bench. Needs `npm run build`, Debian's chromium and ffmpeg, and ../shared/datasets. A script, not a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium, serveBuiltApp } from '../tests/helpers/chromium';
import { datasetsDir, hasDatasets, missingDatasetsNote } from '../tests/helpers/datasets';
import { lfwPeople, makeGridMjpeg } from '../tests/helpers/feeds';
import { MtcnnDetector } from '../src/detection';
import {
  drawClassroomFrame,
  encodeFrame,
  loadViews,
  planClassroom,
  seatAt,
  seatClass,
  type Seat,
} from './bench/classroom-scene';
import { decodeImageFile, type RgbImage } from './lib/image-file';
import { fileAssetReader, initNodeBackend, mtcnnModelDir, projectRoot } from './lib/node-tf';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'soak-minutes': { type: 'string', default: '0' },
    scenes: { type: 'string', default: 'four,classroom' },
    pipelines: { type: 'string', default: 'before,after,after-mtcnn' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    dist: { type: 'string' },
  },
});

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface Student {
  readonly id: string;
  readonly name: string;
  readonly photos: readonly string[];
}

interface Scene {
  readonly name: string;
  readonly label: string;
  readonly camera: string;
  readonly roster: readonly Student[];
  /** Students in view: all must be marked. */
  readonly seated: ReadonlySet<string>;
  /** Who sits where a face's centre is in the frame (a student's id, or "stranger …"); the classroom's only. */
  readonly whoIsAt?: (x: number, y: number) => string | undefined;
}

interface Pipeline {
  readonly name: string;
  readonly query: string;
}

const PIPELINES: readonly Pipeline[] = [
  { name: 'before', query: '?engine=page&tracking=off&fuse=off&detector=mtcnn&picture=off' },
  { name: 'after', query: '' },
  { name: 'after-nopicture', query: '?picture=off' },
  { name: 'after-mtcnn', query: '?detector=mtcnn' },
];

interface RunFigures {
  readonly scene: string;
  readonly pipeline: string;
  readonly seconds: number;
  readonly engine: string;
  /** Median frames per second shown once every seated student was marked (else over the whole run). */
  readonly fps: number;
  /** From Start (engine not started yet: a fresh page) until the first frames were shown. */
  readonly firstFrameS: number;
  /** The engine's own start: backend, models loaded, warmed up. */
  readonly engineStartMs: number;
  readonly identifiedS: number | null;
  readonly marked: number;
  readonly seated: number;
  readonly wrong: number;
  /** Faces shown as a student they are not, as "who sits there → taken for" (classroom only). */
  readonly mistaken: readonly string[];
  readonly clicks: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
  readonly clickMedianMs: number | null;
  readonly clickMaxMs: number | null;
  readonly clicksMeasured: number;
  readonly tensors: readonly [number, number];
  readonly heapMb: readonly [number, number];
  /** Soak runs: memory a minute, and once 5 s after Stop (minute -1). */
  readonly memory: readonly MemorySample[];
}

interface MemorySample {
  readonly minute: number;
  readonly tensors: number;
  readonly heapMb: number;
  readonly rendererMb: number;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

function rosterCsv(students: readonly Student[]): string {
  // Every student consented (the roster's Consent column): their photos may be uploaded.
  return `Student ID,Student Name,Class,Faculty,Consent\n${students.map((s) => `${s.id},${s.name},10A,Science,yes`).join('\n')}\n`;
}

/** The four-face scene: four LFW people in a grid, enrolled from their first five photos. */
function fourFaces(work: string): Scene {
  const people = lfwPeople(4, 8);
  const camera = makeGridMjpeg(
    [people[0]!.photos[7]!, people[1]!.photos[7]!, people[2]!.photos[7]!, people[3]!.photos[7]!],
    join(work, 'four.mjpeg'),
    6,
  );
  const roster = people.map((p) => ({ id: p.folder, name: p.name, photos: p.photos.slice(0, 5) }));
  return { name: 'four', label: '4 faces, 640×480', camera, roster, seated: new Set(roster.map((s) => s.id)) };
}

/** The classroom scene: frames drawn in Node (three views of each seat, 2 s each), played at 10 frames/s. */
async function classroom(work: string, seed: number): Promise<Scene> {
  const plan = planClassroom(join(datasetsDir, 'lfw'), { seated: 30, absent: 4, strangers: 4, seed });
  const seats: Seat[] = seatClass(plan, { seed });
  await initNodeBackend('wasm');
  const detector = await MtcnnDetector.load(fileAssetReader(mtcnnModelDir));
  const cache = new Map<string, RgbImage>();
  const rgb = (path: string): RgbImage => {
    let image = cache.get(path);
    if (!image) cache.set(path, (image = decodeImageFile(path)));
    return image;
  };
  const views = await loadViews(plan, seats, detector, rgb);
  detector.dispose();
  const frames = join(work, 'classroom');
  mkdirSync(frames, { recursive: true });
  const fps = 10;
  const count = (plan.views * 2000 * fps) / 1000;
  for (let i = 0; i < count; i++) {
    const image = drawClassroomFrame(seats, views, (i * 1000) / fps, i);
    writeFileSync(join(frames, `f${String(i).padStart(4, '0')}.jpg`), encodeFrame(image, 'jpeg'));
  }
  // Y4M, not MJPEG: it carries its frame rate (Chromium plays an MJPEG file faster than it was made, and
  // the views then change several times a second).
  const camera = join(work, 'classroom.y4m');
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-framerate', String(fps), '-i', join(frames, 'f%04d.jpg'), '-pix_fmt', 'yuv420p', camera],
    { stdio: 'inherit' },
  );
  const roster = plan.roster.map((p) => ({ id: p.id, name: p.id.replace(/_/g, ' '), photos: p.photos.slice(0, 5) }));
  return {
    name: 'classroom',
    label: '30 of 34 students + 4 strangers, 1280×720',
    camera,
    roster,
    seated: new Set(plan.seated.map((p) => p.id)),
    whoIsAt: (x, y) => {
      const seat = seatAt(seats, x, y);
      return seat && (seat.stranger ? `stranger ${seat.person.id}` : seat.person.id);
    },
  };
}

/** Long tasks, collected by the page from its first script on. */
function instrument(): void {
  const w = window as unknown as { __longTasks: number[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

async function enrol(page: Page, url: string, scene: Scene, work: string): Promise<void> {
  const csv = join(work, `${scene.name}-roster.csv`);
  writeFileSync(csv, rosterCsv(scene.roster));
  await page.goto(`${url}#/students`);
  await page.locator('input[type=file][accept*=".xlsx"]').setInputFiles(csv);
  await page.getByRole('button', { name: `Import ${scene.roster.length} students` }).click();
  await page.getByRole('button', { name: `Import ${scene.roster.length} students` }).waitFor({ state: 'hidden' });
  await page.goto(`${url}#/enrol`);
  let i = 0;
  for (const s of scene.roster) {
    await page.getByLabel('Student', { exact: true }).selectOption(s.id);
    await page.locator('input[type=file][accept="image/*"]').setInputFiles([...s.photos]);
    // The photo list of this student fills as the upload is read; the report then says how many were added.
    await page.getByRole('list', { name: `Photos of ${s.name}` }).waitFor({ timeout: 120_000 });
    await page.getByText('Reading the photos…').waitFor({ state: 'hidden', timeout: 120_000 });
    await page
      .getByTestId('upload-report')
      .filter({ hasText: /of \d+ photos added/ })
      .waitFor({ timeout: 120_000 });
    if (++i % 10 === 0) log(`  [${scene.name}] ${i}/${scene.roster.length} students enrolled`);
  }
  await page.goto(`${url}#/train`);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByText(/Training done/).waitFor({ timeout: 300_000 });
}

/** Resident memory of the browser's renderer processes (the page, its workers, their WebAssembly), in MB. */
function rendererMb(): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return Number((kb / 1024).toFixed(1));
}

/** The page's JS heap after a full collection, in MB (the engine worker's heap is in the renderer's memory). */
async function heapAfterGcMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return Number((usedSize / 2 ** 20).toFixed(1));
}

async function live(
  page: Page,
  url: string,
  scene: Scene,
  pipeline: Pipeline,
  seconds: number,
  memoryEveryMs = 0,
): Promise<RunFigures> {
  // A fresh page each run (a new engine, a new session), even where the address is the last run's.
  await page.goto('about:blank');
  await page.goto(`${url}${pipeline.query}#/attendance`);
  await page.getByLabel('Course').fill(`bench ${pipeline.name}`);
  await page.getByLabel('Class').fill('10A');
  const heapOf = (): Promise<number> =>
    page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
  await page.evaluate(() => {
    (window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
  });
  const started = Date.now();
  await page.getByRole('button', { name: 'Start attendance', exact: true }).click();
  await page.getByTestId('live-stats').waitFor({ timeout: 300_000 });
  await page.waitForFunction(
    () => Number.parseFloat(document.querySelector('[data-testid=fps]')?.textContent ?? '0') > 0,
    null,
    {
      timeout: 300_000,
    },
  );
  const firstFrameS = Number(((Date.now() - started) / 1000).toFixed(1));
  const engineStartMs = Number(await page.getByTestId('backend').getAttribute('data-start-ms'));
  const fpsSamples: { at: number; fps: number }[] = [];
  let identifiedAt: number | null = null;
  let clicks = 0;
  const decided = new Set<string>();
  const mistaken = new Set<string>();
  const heap0 = await heapOf();
  const cdp = await page.context().newCDPSession(page);
  const memory: MemorySample[] = [];
  let nextSample = memoryEveryMs > 0 ? Date.now() : Infinity;
  let tensors0 = -1;
  let tensors = 0;
  let nextClick = Date.now() + 3000;
  const clickTimes: number[] = [];
  const names = new Map(scene.roster.map((s) => [s.name, s.id]));
  const marked = page.locator('[data-testid=present-list] li.roll-present, [data-testid=present-list] li.roll-late');
  while (Date.now() - started < seconds * 1000) {
    await page.waitForTimeout(500);
    const stats = page.getByTestId('live-stats');
    const fps = Number.parseFloat((await page.getByTestId('fps').textContent()) ?? '0');
    tensors = Number(await stats.getAttribute('data-tensors'));
    if (tensors0 < 0 && tensors > 0) tensors0 = tensors;
    fpsSamples.push({ at: Date.now(), fps });
    if (scene.whoIsAt) {
      const faces = JSON.parse((await stats.getAttribute('data-faces')) ?? '[]') as {
        cx: number;
        cy: number;
        label: string | null;
      }[];
      for (const f of faces) {
        const sitting = scene.whoIsAt(f.cx, f.cy) ?? 'background';
        if (f.label && f.label !== sitting) mistaken.add(`${sitting} → ${f.label}`);
      }
    }
    if (Date.now() >= nextSample) {
      memory.push({
        minute: Number(((Date.now() - started) / 60_000).toFixed(1)),
        tensors,
        heapMb: await heapAfterGcMb(cdp),
        rendererMb: rendererMb(),
      });
      nextSample += memoryEveryMs;
    }
    // The teacher: confirm seated students, reject anyone else.
    for (const item of await page.getByTestId('suggestions').locator('li').all()) {
      const name = (await item.locator('strong').textContent()) ?? '';
      if (decided.has(name)) continue;
      decided.add(name);
      const id = names.get(name);
      const right = id !== undefined && scene.seated.has(id);
      await item.getByRole('button', { name: `${right ? 'Confirm' : 'Reject'} ${name}`, exact: true }).click();
      clicks++;
    }
    const here = (await marked.locator('.who small').allTextContents()).filter((id) => scene.seated.has(id));
    if (identifiedAt === null && here.length >= scene.seated.size) identifiedAt = Date.now();
    if (Date.now() >= nextClick) {
      // A click as the teacher makes it: from the press until the screen shows its effect (the toggle opened
      // or closed), timed here, so a page's thread busy with a frame counts in full.
      const summary = page.locator('details.faces-in-words > summary');
      const box = await summary.boundingBox();
      if (box) {
        const wasOpen = await page.locator('details.faces-in-words').evaluate((e) => (e as HTMLDetailsElement).open);
        const t0 = performance.now();
        await page.mouse.click(box.x + 20, box.y + box.height / 2);
        await page.waitForFunction(
          (open) =>
            document.querySelector<HTMLDetailsElement>('details.faces-in-words')?.open === !open &&
            new Promise((r) => requestAnimationFrame(() => r(true))),
          wasOpen,
          { polling: 'raf' },
        );
        clickTimes.push(performance.now() - t0);
      }
      nextClick = Date.now() + 3000;
    }
  }
  const ids = await marked.locator('.who small').allTextContents();
  const heap1 = await heapOf();
  const timings = await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    return { longTasks: [...w.__longTasks] };
  });
  const engine = `${(await page.getByTestId('backend').textContent())?.replace(/\s+/g, ' ').trim() ?? ''} (${await page.getByTestId('backend').getAttribute('data-where')})`;
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  if (memoryEveryMs > 0) {
    // After Stop: the session closed, the engine kept (warm) for the next one.
    await page.waitForTimeout(5000);
    memory.push({ minute: -1, tensors: -1, heapMb: await heapAfterGcMb(cdp), rendererMb: rendererMb() });
  }
  await cdp.detach();
  const after = identifiedAt === null ? fpsSamples : fpsSamples.filter((s) => s.at >= identifiedAt + 2000);
  return {
    scene: scene.label,
    pipeline: pipeline.name,
    seconds,
    engine,
    fps: Number(median((after.length ? after : fpsSamples).map((s) => s.fps)).toFixed(1)),
    firstFrameS,
    engineStartMs,
    identifiedS: identifiedAt === null ? null : Number(((identifiedAt - started) / 1000).toFixed(1)),
    marked: ids.filter((id) => scene.seated.has(id)).length,
    seated: scene.seated.size,
    wrong: ids.filter((id) => !scene.seated.has(id)).length,
    mistaken: [...mistaken],
    clicks,
    longTasks: timings.longTasks.filter((d) => d > 50).length,
    longestTaskMs: Math.round(Math.max(0, ...timings.longTasks)),
    clickMedianMs: clickTimes.length ? Math.round(median(clickTimes)) : null,
    clickMaxMs: clickTimes.length ? Math.round(Math.max(...clickTimes)) : null,
    clicksMeasured: clickTimes.length,
    tensors: [tensors0, tensors],
    heapMb: [Number((heap0 / 2 ** 20).toFixed(1)), Number((heap1 / 2 ** 20).toFixed(1))],
    memory,
  };
}

/** A soak run's memory, a row a sample. */
function memoryTable(run: RunFigures): string {
  const rows = run.memory.map(
    (m) =>
      `| ${m.minute < 0 ? '5 s after Stop' : `${m.minute} min`} | ${m.tensors < 0 ? '–' : m.tensors} | ${m.heapMb} MB | ${m.rendererMb} MB |`,
  );
  return [
    `${run.scene}, ${run.pipeline}, ${run.seconds / 60} minutes:`,
    '',
    '| time | engine tensors | page JS heap after GC | renderer processes (RSS) |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function table(runs: readonly RunFigures[]): string {
  const rows: [string, (r: RunFigures) => string][] = [
    ['engine', (r) => r.engine],
    ['frames a second shown (median, once all are marked)', (r) => r.fps.toFixed(1)],
    ['seated students marked', (r) => `${r.marked} / ${r.seated}`],
    [
      'Start → frames shown (engine started from cold, camera opened)',
      (r) => `${r.firstFrameS} s (engine ${(r.engineStartMs / 1000).toFixed(1)} s)`,
    ],
    ['time from Start until all are marked', (r) => (r.identifiedS === null ? 'never' : `${r.identifiedS} s`)],
    ['wrongly marked', (r) => String(r.wrong)],
    ['faces shown as another student (who sits there → taken for)', (r) => r.mistaken.join('; ') || '–'],
    ['teacher clicks (confirm / reject)', (r) => String(r.clicks)],
    ['main-thread long tasks over 50 ms', (r) => `${r.longTasks} (longest ${r.longestTaskMs} ms)`],
    [
      'click to next paint, median / max',
      (r) => (r.clickMedianMs === null ? '–' : `${r.clickMedianMs} / ${r.clickMaxMs} ms (${r.clicksMeasured} clicks)`),
    ],
    ['engine tensors, first frame → end', (r) => `${r.tensors[0]} → ${r.tensors[1]}`],
    ['page JS heap, start → end', (r) => `${r.heapMb[0]} → ${r.heapMb[1]} MB`],
    ['run length', (r) => `${r.seconds} s`],
  ];
  const head = `| figure | ${runs.map((r) => `${r.scene}: ${r.pipeline}`).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---:').join(' | ')} |`;
  return [head, rule, ...rows.map(([name, f]) => `| ${name} | ${runs.map(f).join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  if (!hasDatasets) throw new Error(`bench:live needs the shared datasets: ${missingDatasetsNote}`);
  const work = mkdtempSync(join(tmpdir(), 'bench-live-'));
  const seconds = Number(args.seconds);
  const soak = Number(args['soak-minutes']);
  const app = await serveBuiltApp(args.dist ? resolve(args.dist) : undefined);
  const runs: RunFigures[] = [];
  const soaks: RunFigures[] = [];
  const chosen = args.pipelines
    .split(',')
    .filter((name) => name.trim() !== '')
    .map((name) => {
      const p = PIPELINES.find((q) => q.name === name.trim());
      if (!p)
        throw new Error(`bench:live: unknown pipeline "${name}" (known: ${PIPELINES.map((q) => q.name).join(', ')})`);
      return p;
    });
  try {
    for (const name of args.scenes.split(',').map((s) => s.trim())) {
      log(`bench:live: preparing the ${name} scene`);
      const scene = name === 'four' ? fourFaces(work) : await classroom(work, Number(args.seed));
      const context = await launchChromium({ camera: scene.camera });
      try {
        await context.addInitScript(instrument);
        const page = await context.newPage();
        page.on('pageerror', (e) => log(`  page error: ${e.message}`));
        log(`  [${name}] enrolling ${scene.roster.length} students from ${scene.roster.length * 5} photos`);
        await enrol(page, app.url, scene, work);
        for (const p of chosen) {
          log(`  [${name}] ${p.name}: ${seconds} s live`);
          runs.push(await live(page, app.url, scene, p, seconds));
        }
        if (soak > 0) {
          log(`  [${name}] after: ${soak} min soak`);
          soaks.push(await live(page, app.url, scene, PIPELINES[1]!, soak * 60, 60_000));
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    await app.close();
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, headless Chromium (${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'})`;
  const md =
    [
      `bench:live, ${new Date().toISOString().slice(0, 10)}, ${machine}`,
      ...(runs.length ? [table(runs)] : []),
      ...soaks.map(memoryTable),
    ].join('\n\n') + '\n';
  mkdirSync(join(projectRoot, 'bench-results'), { recursive: true });
  writeFileSync(join(projectRoot, 'bench-results', 'live.md'), md);
  writeFileSync(
    join(projectRoot, 'bench-results', 'live.json'),
    `${JSON.stringify({ machine, runs, soaks }, null, 1)}\n`,
  );
  process.stdout.write(args.json ? `${JSON.stringify({ machine, runs, soaks })}\n` : md);
}

await main();

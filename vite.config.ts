import { readFileSync } from 'node:fs';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The built page's content security policy: its own origin for scripts, styles, workers and fetches,
 * WebAssembly compilation (tfjs), blob: workers (the threaded WebAssembly's) and blob:/data: images (photo
 * thumbnails, camera snapshots), and one outside host, the e-mail relay. Anything else the browser
 * refuses. Only in the build (Vite's dev server injects its own scripts and styles).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' https://api.emailjs.com",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const contentSecurityPolicy = (): Plugin => ({
  name: 'content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
      injectTo: 'head-prepend',
    },
  ],
});

/**
 * The version and build time the app shows in Settings: each build differs from the last, so an installed
 * app's service worker finds the new one and offers it ("A new version … is available").
 */
export const BUILD_DEFINES = {
  __APP_VERSION__: JSON.stringify(
    (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version,
  ),
  __APP_BUILT__: JSON.stringify(process.env.FA_BUILT_AT ?? new Date().toISOString()),
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset paths: the built app works from any sub-path (a school's intranet folder, say).
  base: './',
  define: BUILD_DEFINES,
  plugins: [
    svelte(),
    contentSecurityPolicy(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: 'auto',
      // Our own service worker (src/sw.ts): workbox's precache, plus the cross-origin isolation headers.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      includeAssets: ['icon.svg', 'icon-192.png'],
      manifest: {
        name: 'Face Attendance',
        short_name: 'Attendance',
        description: 'Face-recognition attendance that runs entirely in the browser.',
        theme_color: '#1e3a5f',
        background_color: '#f1f5f9',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The app, the tfjs WebAssembly binaries (the threaded one too: the service worker isolates the page)
        // and the model files: everything works offline after one visit. The ResNet-34 is an alternative
        // embedding model, not the default: fetched if ever chosen.
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,json,bin}'],
        globIgnores: ['models/resnet34/**'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
    }),
  ],
  // The same isolation headers as the service worker adds, so threads work from the first load here.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: {
    format: 'es',
    // tfjs starts its WebAssembly threads from the source text of a function in its own bundle
    // (`factory.toString()` in a Blob). Compression rewrites that function's `typeof x !== 'undefined'` guards
    // against its enclosing scope (`x !== void 0`), which no longer exists in the thread: "e is not
    // defined". Names are still shortened; only the rewriting is off, in the worker bundle alone.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
});

import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  // Relative asset paths: the built app works from any sub-path (a school's intranet folder, say).
  base: './',
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: 'auto',
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
      workbox: {
        // The app, the tfjs WebAssembly binaries and the model files: everything works offline after one visit.
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,json,bin}'],
        // Threads need cross-origin isolation, which a plain static host does not give: that build is never
        // loaded. The ResNet-34 is an alternative embedding model, not the default: fetched if ever chosen.
        globIgnores: ['**/*threaded-simd*', 'models/resnet34/**'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        navigateFallback: 'index.html',
      },
    }),
  ],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});

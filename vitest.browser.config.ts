import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: end-to-end tests of the built app in Debian's headless Chromium, driven by
 * playwright-core, with fake webcams made from real photos. Needs `chromium` and `ffmpeg` installed.
 */
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

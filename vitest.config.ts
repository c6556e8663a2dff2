import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';
import { BUILD_DEFINES } from './vite.config.js';

/**
 * `npm test`: unit and Node integration tests (tfjs on WebAssembly), and the screens' component tests
 * (@testing-library/svelte in jsdom, with fake-indexeddb). The browser tests have their own config.
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/setup/node-globals.ts'],
        },
      },
      {
        extends: true,
        plugins: [svelte(), svelteTesting()],
        define: BUILD_DEFINES,
        test: {
          name: 'component',
          include: ['tests/component/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['tests/setup/component.ts'],
        },
      },
    ],
  },
});

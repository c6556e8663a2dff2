import { defineConfig } from 'vitest/config';

/** `npm test`: unit and Node integration tests (tfjs on WebAssembly). The browser tests have their own config. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['tests/setup/node-globals.ts'],
  },
});

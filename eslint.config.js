import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

/** Import boundaries of ../shared/docs/ARCHITECTURE.md: each layer names what it must not import. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});
const ours = (...dirs) => dirs.flatMap((d) => [`**/${d}`, `**/${d}/*`, `**/${d}/**`]);

export default ts.config(
  {
    ignores: [
      'src/paraglide/',
      'dist/',
      'dev-dist/',
      'node_modules/',
      'public/models/',
      'test-results/',
      'bench-results/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node, __APP_VERSION__: 'readonly', __APP_BUILT__: 'readonly' },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  { files: ['eslint.config.js', 'svelte.config.js'], ...ts.configs.disableTypeChecked },
  layer(
    ['src/core/**'],
    [...ours('detection', 'embedding', 'classifier', 'db', 'services', 'ui'), '@tensorflow/*', 'dexie'],
    'src/core imports nothing of ours and no libraries.',
  ),
  layer(
    ['src/detection/**', 'src/embedding/**'],
    [...ours('db', 'services', 'ui', 'classifier'), 'dexie'],
    'Detection and embedding may import tfjs and src/core only.',
  ),
  layer(
    ['src/classifier/**'],
    [...ours('detection', 'embedding', 'db', 'services', 'ui'), '@tensorflow/*', 'dexie'],
    'The classifier is plain numbers: src/core only.',
  ),
  layer(
    ['src/db/**'],
    [...ours('detection', 'embedding', 'classifier', 'services', 'ui'), '@tensorflow/*'],
    'src/db may import dexie, papaparse and src/core only.',
  ),
  layer(['src/services/**'], ours('ui'), 'Services must not import the UI.'),
  layer(
    ['src/ui/**'],
    [...ours('detection', 'embedding', 'classifier', 'db'), '@tensorflow/*', 'dexie'],
    'The UI goes through src/services.',
  ),
  layer(['scripts/**'], ours('ui'), 'Scripts may use src/* except the UI.'),
);

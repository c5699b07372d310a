import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default tseslint.config(
  // .prosody/ holds the Prosody 13 the tests unpack (scripts/install-prosody-13.sh): not our code.
  { ignores: ['out/', 'dist/', 'test-results/', 'node_modules/', 'scratch/', '.prosody/', 'build/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      // The renderer runs in a browser context: no Node, no Electron; the backend is reached through AdminApi only.
      'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', '**/electron/**'] }],
    },
  },
  {
    files: ['electron/core/**', 'common/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron/core and common are plain Node: keep Electron in electron/main and electron/preload.' }] }],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='contextBridge'] > ObjectExpression", message: 'Expose the AdminApi object built by createAdminApi, never raw IPC.' }],
    },
  },
  {
    files: ['**/*.js', '*.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['scripts/**', 'test/**', 'bench/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
);

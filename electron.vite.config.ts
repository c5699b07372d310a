import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './common/csp';

/** Puts the app's CSP into the built page itself, so it holds whichever host serves it. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'invite-desk-csp-meta',
    // The dev server injects inline styles for hot reload; only the built page gets the tag.
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ connect: ["'self'"], header: false }) },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * Rolldown prints a [PLUGIN_TIMINGS] block whenever plugins take a noticeable
 * share of a build (the Svelte compiler always does). It is advice about build
 * speed, not a problem with the build, so it is left out.
 */
const checks = { bundlerTimings: false };

export default defineConfig({
  main: {
    build: {
      rolldownOptions: { checks, input: { index: resolve(import.meta.dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file that requires nothing but electron.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        checks,
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), contentSecurityPolicyMeta()],
    build: {
      // The window parses all of it before its first paint: minified, it parses in half the time.
      minify: true,
      rolldownOptions: { checks, input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});

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
 * The first screen's code (Svelte's mount and App.svelte) is imported by the
 * entry only after it has opened the connection (renderer/src/main.ts).
 * Listing that code in the page lets the browser fetch it beside the entry
 * instead of after it.
 */
function preloadFirstScreen(): Plugin {
  return {
    name: 'invite-desk-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunks = Object.values(bundle ?? {}).filter((output) => output.type === 'chunk');
        const entries = chunks.filter((chunk) => chunk.isEntry);
        if (!chunks.some((chunk) => chunk.facadeModuleId?.endsWith('/renderer/src/App.svelte'))) throw new Error('the build has no chunk for App.svelte');
        // What the entry imports statically, at any depth, the page lists already.
        const listed = new Set<string>();
        const list = (file: string, into: Set<string>): void => {
          if (listed.has(file) || into.has(file)) return;
          into.add(file);
          for (const imported of chunks.find((chunk) => chunk.fileName === file)?.imports ?? []) list(imported, into);
        };
        for (const entry of entries) list(entry.fileName, listed);
        // What the entry imports when it runs: everything main.ts imports dynamically is for the first screen.
        const code = new Set<string>();
        for (const file of entries.flatMap((entry) => entry.dynamicImports)) list(file, code);
        const styles = chunks.filter((chunk) => code.has(chunk.fileName)).flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]);
        return [
          ...[...code].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const })),
          ...[...new Set(styles)].map((file) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const })),
        ];
      },
    },
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
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), contentSecurityPolicyMeta(), preloadFirstScreen()],
    build: {
      // The window parses all of it before its first paint: minified, it parses in half the time.
      minify: true,
      rolldownOptions: { checks, input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});

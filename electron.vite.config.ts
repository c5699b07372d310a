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
 * The page's one script is the loader (renderer/src/first-frame.ts): it shows
 * the dashboard the window kept, if any, and only then asks for the app's
 * code, whose fetching and compiling would otherwise hold up that first paint.
 * So the entry's own script tag and Vite's preloads of its imports leave the
 * page, and the loader is told what to load: the entry, every file the entry
 * imports, and what it imports when it runs (Svelte's mount and App.svelte),
 * all asked for at once. The first screen's styles stay in the page, as
 * stylesheets: the kept frame is drawn with them.
 */
function loadThroughKeptFrame(): Plugin {
  return {
    name: 'invite-desk-load-through-kept-frame',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const chunks = Object.values(bundle ?? {}).filter((output) => output.type === 'chunk');
        const entry = chunks.find((chunk) => chunk.isEntry && chunk.facadeModuleId?.endsWith('/renderer/index.html'));
        const loader = chunks.find((chunk) => chunk.isEntry && chunk.facadeModuleId?.endsWith('/renderer/src/first-frame.ts'));
        if (!entry || !loader) throw new Error('the build has no entry for index.html or for the loader');
        if (!chunks.some((chunk) => chunk.facadeModuleId?.endsWith('/renderer/src/App.svelte'))) throw new Error('the build has no chunk for App.svelte');
        const imports = (file: string, into: Set<string>): Set<string> => {
          if (into.has(file)) return into;
          into.add(file);
          for (const imported of chunks.find((chunk) => chunk.fileName === file)?.imports ?? []) imports(imported, into);
          return into;
        };
        const loaderCode = imports(loader.fileName, new Set());
        const appCode = imports(entry.fileName, new Set());
        for (const file of entry.dynamicImports) imports(file, appCode);
        const styles = new Set(chunks.filter((chunk) => appCode.has(chunk.fileName)).flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]));
        const page = html
          .replace(new RegExp(`\\s*<script type="module" crossorigin src="\\./${entry.fileName.replaceAll('.', '\\.')}"></script>`), '')
          .replace(/\s*<link rel="modulepreload"[^>]*>/g, '')
          // Styles Vite linked for the entry itself: linked again below with the rest.
          .replace(/\s*<link rel="stylesheet"[^>]*>/g, '');
        const preload = [...appCode].filter((file) => file !== entry.fileName && !loaderCode.has(file));
        return {
          html: page,
          tags: [
            ...[...styles].map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const })),
            ...[...loaderCode].filter((file) => file !== loader.fileName).map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const })),
            {
              tag: 'script',
              attrs: { type: 'module', crossorigin: true, src: `./${loader.fileName}`, 'data-entry': `./${entry.fileName}`, 'data-preload': preload.map((file) => `./${file}`).join(' ') },
              injectTo: 'body' as const,
            },
          ],
        };
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
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), contentSecurityPolicyMeta(), loadThroughKeptFrame()],
    build: {
      // The window parses all of it before its first paint: minified, it parses in half the time.
      minify: true,
      rolldownOptions: { checks, input: { index: resolve(import.meta.dirname, 'renderer/index.html'), 'first-frame': resolve(import.meta.dirname, 'renderer/src/first-frame.ts') } },
    },
  },
});

import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { ADMIN_METHODS } from '../../common/contract';

/** Checks on what `npm run build` produces, the files Electron loads. */
const root = resolve(import.meta.dirname, '../..');
const out = resolve(root, 'out');

beforeAll(() => {
  if (!existsSync(resolve(out, 'preload/index.cjs'))) {
    expect(spawnSync('npx', ['--no-install', 'electron-vite', 'build'], { cwd: root, stdio: 'inherit' }).status).toBe(0);
  }
}, 120_000);

describe('the built preload', () => {
  it('is one CommonJS file that requires nothing but electron', async () => {
    expect(await readdir(resolve(out, 'preload'))).toEqual(['index.cjs']);
    const code = await readFile(resolve(out, 'preload/index.cjs'), 'utf8');
    expect([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*import\s/m);
  });

  it('exposes exactly one object to the page: the AdminApi, and nothing of ipcRenderer', async () => {
    const code = await readFile(resolve(out, 'preload/index.cjs'), 'utf8');
    const exposed: [string, Record<string, unknown>][] = [];
    // Electron's own modules, as far as the preload reaches them while it loads.
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.push([key, value]) },
      ipcRenderer: { invoke: () => Promise.resolve({ result: null }), on: () => undefined, off: () => undefined },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`the preload required ${name}`);
        return electron;
      },
      module,
      exports: module.exports,
    });
    expect(exposed.map(([key]) => key)).toEqual(['inviteDesk']);
    const api = exposed[0]?.[1] ?? {};
    expect(Object.keys(api).sort()).toEqual([...ADMIN_METHODS, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });
});

describe('the built page', () => {
  it('carries the content security policy itself', async () => {
    const html = await readFile(resolve(out, 'renderer/index.html'), 'utf8');
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#39;', "'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain('unsafe');
  });

  it('has one script, the loader, which names the entry and every file the entry loads, statically or when it runs', async () => {
    const html = await readFile(resolve(out, 'renderer/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toHaveLength(1);
    const loader = scripts[0] ?? '';
    expect(loader).toMatch(/type="module" crossorigin src="\.\/assets\/first-frame-[\w-]+\.js"/);
    const entry = /data-entry="\.\/(assets\/[\w.-]+\.js)"/.exec(loader)?.[1];
    expect(entry).toBeDefined();
    const named = new Set([entry, ...(/data-preload="([^"]*)"/.exec(loader)?.[1] ?? '').split(' ').map((file) => file.replace(/^\.\//, ''))]);
    // What the loader itself imports, and the first screen's styles, the page links.
    for (const m of html.matchAll(/<link rel="(?:modulepreload|stylesheet)" crossorigin href="\.\/(assets\/[\w.-]+)">/g)) named.add(m[1]);
    const code = await readFile(resolve(out, 'renderer', entry ?? ''), 'utf8');
    // Static imports, dynamic imports and the files Vite preloads with each: all named as "./file" in the entry.
    const loaded = new Set([...code.matchAll(/[`"']\.\/([\w.-]+\.(?:js|css))[`"']/g)].map((m) => `assets/${m[1]}`));
    expect([...loaded].some((file) => file.includes('/App-'))).toBe(true);
    expect([...loaded].filter((file) => !named.has(file))).toEqual([]);
    // The kept frame is drawn with the first screen's styles: they are in the page before it, not fetched after.
    expect([...loaded].filter((file) => file.endsWith('.css') && !html.includes(`<link rel="stylesheet" crossorigin href="./${file}">`))).toEqual([]);
  });
});

describe('the built renderer', () => {
  it('keeps its JavaScript, with all its languages, within 200 KB gzipped', async () => {
    const assets = resolve(out, 'renderer/assets');
    const scripts = (await readdir(assets)).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const code = await Promise.all(scripts.map((file) => readFile(resolve(assets, file))));
    // Every catalog is in the bundle: the German and French words travel with it.
    const text = code.map((c) => c.toString('utf8')).join('\n');
    for (const words of ['Apps, die gut funktionieren:', 'Applications qui fonctionnent bien :']) expect(text).toContain(words);
    const gzipped = code.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(200 * 1024);
  });
});

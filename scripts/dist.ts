/**
 * `npm run dist`: icons, then electron-builder with build/electron-builder.yml
 * and our fuse hook. electron-builder downloads Electron and its packaging
 * tools for the target, so this needs internet access.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build, type Configuration } from 'electron-builder';
import { parse } from 'yaml';
import { makeIcons } from './make-icons';
import { flipPackedFuses } from './lib/fuses';

const root = resolve(import.meta.dirname, '..');
const config = parse(await readFile(resolve(root, 'build/electron-builder.yml'), 'utf8')) as Configuration;
await makeIcons();
const artifacts = await build({ projectDir: root, publish: 'never', config: { ...config, afterPack: flipPackedFuses } });
console.log(`Built:\n${artifacts.join('\n')}`);

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tarGz, zip } from './archive';

/**
 * Packs mod_invite_desk into a LuaRocks source rock: the rockspec and a
 * `.tar.gz` of the module's folder, zipped. `luarocks install` (and so
 * `prosodyctl install`) builds it from what is inside, with no download.
 */

const PROSODY_DIR = resolve(import.meta.dirname, '../../prosody');
const MODULE = 'mod_invite_desk';
/** Every entry gets this time, so packing the same sources twice gives the same bytes and checksum. */
const ENTRY_TIME = new Date('2025-01-01T00:00:00Z');

export interface Rock {
  /** e.g. `mod_invite_desk-0.1.0-1.src.rock` */
  fileName: string;
  path: string;
  /** The `sha256sum` line kept beside it, in `<path>.sha256`. */
  sha256: string;
  version: string;
}

/** A `key = "value"` field of the rockspec; the rockspec keeps each on its own line. */
function field(rockspec: string, key: string): string {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*"([^"]+)"`, 'm').exec(rockspec);
  if (!match?.[1]) throw new Error(`the rockspec has no ${key} = "…" line`);
  return match[1];
}

async function findRockspec(): Promise<string> {
  const found = (await readdir(PROSODY_DIR)).filter((name) => name.startsWith(`${MODULE}-`) && name.endsWith('.rockspec'));
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${MODULE}-<version>.rockspec in prosody/, found ${found.length}`);
  return found[0];
}

export async function packRock(outDir: string): Promise<Rock> {
  const rockspecName = await findRockspec();
  const rockspec = await readFile(join(PROSODY_DIR, rockspecName));
  const text = rockspec.toString('utf8');
  const version = field(text, 'version');
  if (field(text, 'package') !== MODULE || rockspecName !== `${MODULE}-${version}.rockspec`) {
    throw new Error(`${rockspecName} must be named after its package and version (${MODULE}-${version}.rockspec)`);
  }
  const sourceFile = field(text, 'url');
  const sourceDir = field(text, 'dir');

  const moduleDir = join(PROSODY_DIR, MODULE);
  const files = (await readdir(moduleDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  const sources = tarGz(
    [
      { name: `${sourceDir}/` },
      ...(await Promise.all(files.map(async (name) => ({ name: `${sourceDir}/${name}`, data: await readFile(join(moduleDir, name)) })))),
    ],
    ENTRY_TIME,
  );
  const rock = zip(
    [
      { name: rockspecName, data: rockspec },
      { name: sourceFile, data: sources },
    ],
    ENTRY_TIME,
  );

  const fileName = `${MODULE}-${version}.src.rock`;
  const path = join(outDir, fileName);
  const sha256 = `${createHash('sha256').update(rock).digest('hex')}  ${fileName}\n`;
  await mkdir(outDir, { recursive: true });
  await writeFile(path, rock);
  await writeFile(`${path}.sha256`, sha256);
  return { fileName, path, sha256, version };
}

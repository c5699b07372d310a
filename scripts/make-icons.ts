/**
 * Renders the app icon from build/icon.svg into what electron-builder needs:
 * PNGs for Linux (a folder of NxN.png), icon.icns for macOS and icon.ico for
 * Windows, all under build/generated/. Run by `npm run icons` and `npm run dist`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = resolve(import.meta.dirname, '..');
export const ICON_SOURCE = join(root, 'build', 'icon.svg');
export const ICON_OUTPUT = join(root, 'build', 'generated');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

function render(svg: Buffer, size: number): Buffer {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng());
}

export async function makeIcons(source = ICON_SOURCE, output = ICON_OUTPUT): Promise<string[]> {
  const svg = await readFile(source);
  const pngDir = join(output, 'icons');
  await mkdir(pngDir, { recursive: true });
  const written: string[] = [];
  const largest = render(svg, 1024);
  for (const size of PNG_SIZES) {
    const file = join(pngDir, `${size}x${size}.png`);
    await writeFile(file, size === 1024 ? largest : render(svg, size));
    written.push(file);
  }
  const icns = png2icons.createICNS(largest, png2icons.BICUBIC2, 0);
  const ico = png2icons.createICO(largest, png2icons.BICUBIC2, 0, true, true);
  if (!icns || !ico) throw new Error('png2icons could not convert the rendered icon');
  for (const [name, data] of [['icon.icns', icns], ['icon.ico', ico]] as const) {
    const file = join(output, name);
    await writeFile(file, data);
    written.push(file);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const written = await makeIcons();
  console.log(`Wrote ${written.length} icon files to ${ICON_OUTPUT}`);
}

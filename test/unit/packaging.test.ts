import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import fuses from '@electron/fuses';
import { parse } from 'yaml';
import { makeIcons, PNG_SIZES } from '../../scripts/make-icons';
import { flipPackedFuses, packedElectronBinary } from '../../scripts/lib/fuses';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('the electron-builder config', () => {
  it("passes electron-builder's own JSON schema", async () => {
    const schema = require('app-builder-lib/scheme.json') as object;
    const config = parse(await readFile(join(root, 'build/electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    // The schema carries documentation keywords of its own; strict mode would refuse those, not our config.
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config) ? [] : validate.errors).toEqual([]);
    expect(config).toMatchObject({
      appId: 'app.invitedesk.desktop',
      linux: { target: ['AppImage', 'deb'] },
      mac: { target: [{ target: 'dmg' }, { target: 'zip' }] },
      win: { target: 'nsis' },
    });
  });

  it('catches a mistake in it, so the check above can fail', () => {
    const schema = require('app-builder-lib/scheme.json') as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ appId: 'x', linux: { target: 42 }, notAnOption: true })).toBe(false);
  });
});

describe('the fuse hook', () => {
  // How Electron's fuse wire writes a fuse's state: ASCII '0' and '1'.
  const state = { DISABLE: 0x30, ENABLE: 0x31 };

  /** A stand-in for the Electron binary: what @electron/fuses looks for is the sentinel and the wire after it. */
  async function fakeElectron(dir: string, name: string, wireLength: number): Promise<string> {
    const path = join(dir, name);
    const wire = Buffer.alloc(wireLength, state.ENABLE);
    await writeFile(path, Buffer.concat([Buffer.from('ELF…'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, wireLength]), wire, Buffer.from('…rest')]));
    return path;
  }

  it.each([
    ['linux', false],
    ['win32', true],
  ])('turns off run-as-node, NODE_OPTIONS and --inspect in the packed %s binary', async (platform, integrity) => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-fuses-'));
    try {
      const context = {
        appOutDir: dir,
        electronPlatformName: platform,
        arch: 1,
        packager: { appInfo: { productFilename: 'Invite Desk' }, executableName: 'invite-desk' },
      };
      const binary = await fakeElectron(dir, platform === 'win32' ? 'Invite Desk.exe' : 'invite-desk', 9);
      expect(packedElectronBinary(context)).toBe(binary);
      await flipPackedFuses(context);
      const wire = await fuses.getCurrentFuseWire(binary);
      const option = fuses.FuseV1Options;
      expect(wire[option.RunAsNode]).toBe(state.DISABLE);
      expect(wire[option.EnableNodeOptionsEnvironmentVariable]).toBe(state.DISABLE);
      expect(wire[option.EnableNodeCliInspectArguments]).toBe(state.DISABLE);
      expect(wire[option.EnableCookieEncryption]).toBe(state.ENABLE);
      expect(wire[option.OnlyLoadAppFromAsar]).toBe(state.ENABLE);
      expect(wire[option.GrantFileProtocolExtraPrivileges]).toBe(state.DISABLE);
      expect(wire[option.EnableEmbeddedAsarIntegrityValidation]).toBe(integrity ? state.ENABLE : state.DISABLE);
      // A fuse newer than this @electron/fuses knows of keeps Electron's default.
      expect((wire as Record<number, unknown>)[8]).toBe(state.ENABLE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the icon script', () => {
  it('renders every PNG size, an ICNS and an ICO from the SVG source', async () => {
    const output = await mkdtemp(join(tmpdir(), 'invite-desk-icons-'));
    try {
      await makeIcons(undefined, output);
      for (const size of PNG_SIZES) {
        const png = await readFile(join(output, 'icons', `${size}x${size}.png`));
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
      }
      const icns = await readFile(join(output, 'icon.icns'));
      expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
      expect(icns.readUInt32BE(4)).toBe(icns.length);
      const ico = await readFile(join(output, 'icon.ico'));
      // ICONDIR: reserved 0, type 1 (icon), then how many images it holds.
      expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
      expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5);
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  });
});

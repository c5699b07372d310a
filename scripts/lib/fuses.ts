import { join } from 'node:path';
import fuses from '@electron/fuses';

/**
 * Electron fuses, flipped in the packaged binary itself: no environment
 * variable or command-line switch can turn the app into a plain Node runtime
 * or open a debugger in it.
 */
export function fuseConfigFor(platform: string): fuses.FuseV1Config {
  return {
    version: fuses.FuseVersion.V1,
    [fuses.FuseV1Options.RunAsNode]: false,
    [fuses.FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [fuses.FuseV1Options.EnableNodeCliInspectArguments]: false,
    [fuses.FuseV1Options.EnableCookieEncryption]: true,
    // electron-builder embeds the asar's hash only in macOS and Windows builds.
    [fuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'win32',
    [fuses.FuseV1Options.OnlyLoadAppFromAsar]: true,
    [fuses.FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** What electron-builder's afterPack hook hands over, as far as fuses need it. */
export interface PackedApp {
  appOutDir: string;
  electronPlatformName: string;
  /** 3 is arm64 in electron-builder's Arch enum. */
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** The Electron binary inside a packed app, per platform. */
export function packedElectronBinary(context: PackedApp): string {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/** electron-builder's afterPack hook. */
export async function flipPackedFuses(context: PackedApp): Promise<void> {
  // Apple Silicon refuses a binary whose ad-hoc signature no longer matches; re-sign it after the flip.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === 3;
  await fuses.flipFuses(packedElectronBinary(context), { ...fuseConfigFor(context.electronPlatformName), resetAdHocDarwinSignature });
}

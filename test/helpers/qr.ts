import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Reads a QR code back from a screenshot's pixels, as a phone camera would; null when none is found. */
export function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

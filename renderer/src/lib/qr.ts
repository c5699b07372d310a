import QRCode from 'qrcode';

/**
 * QR codes for invites: medium error correction survives a crumpled printed
 * card, and the 4-module quiet zone is what the QR standard asks for.
 */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function qrPng(text: string, width = 480): Promise<string> {
  return QRCode.toDataURL(text, { ...OPTIONS, width });
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

/** Starts a download of `data` (a data: URL or a Blob) as `filename`. */
export function download(data: string | Blob, filename: string): void {
  const href = typeof data === 'string' ? data : URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.click();
  if (typeof data !== 'string') setTimeout(() => URL.revokeObjectURL(href), 1000);
}

import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import jsQR from 'jsqr';

/** One page of a PDF as a reader finds it: its words, and what each of its QR codes says. */
export interface PdfPage {
  text: string;
  codes: string[];
}

interface ImageObject {
  width: number;
  height: number;
  /** 1: 1 bit grey, 2: RGB, 3: RGBA (pdf.js ImageKind). */
  kind: number;
  data: Uint8ClampedArray;
}

function rgba(image: ImageObject): Uint8ClampedArray {
  if (image.kind === 3) return image.data;
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    if (image.kind === 2) out.set(image.data.subarray(i * 3, i * 3 + 3), i * 4);
    else {
      const rowBytes = Math.ceil(image.width / 8);
      const [x, y] = [i % image.width, Math.floor(i / image.width)];
      const bit = ((image.data[y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
      out.fill(bit ? 255 : 0, i * 4, i * 4 + 3);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Reads a PDF as a person would check it: each page's text, and its embedded QR code images decoded. */
export async function readPdf(pdf: Buffer): Promise<PdfPage[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PdfPage[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : '')).join('');
    const operators = await page.getOperatorList();
    const codes: string[] = [];
    for (const [index, fn] of operators.fnArray.entries()) {
      if (fn !== OPS.paintImageXObject) continue;
      const name = (operators.argsArray[index] as [string])[0];
      const image = await new Promise<ImageObject>((resolve) => {
        // Images live in the page's objects, or in the document's common ones when shared between pages.
        const store = name.startsWith('g_') ? page.commonObjs : page.objs;
        store.get(name, resolve);
      });
      const code = jsQR(rgba(image), image.width, image.height);
      if (code) codes.push(code.data);
    }
    pages.push({ text, codes });
  }
  await document.destroy();
  return pages;
}

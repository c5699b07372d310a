import { afterNextPaint } from './lib/after-paint';
import { dropFrame, frameToShow, showFrame } from './lib/kept-frame';

/**
 * The page's only script tag (the build puts it there, see
 * electron.vite.config.ts): it shows the dashboard the window kept at its
 * last start, then loads the app. The frame is painted before any of the
 * app's code is fetched, since fetching and compiling that code holds up the
 * page's first paint on a busy machine. Without a frame, the app loads at once.
 */

const loader = document.querySelector<HTMLScriptElement>('script[data-entry]');
const entry = loader?.dataset.entry;
const root = document.getElementById('app');

/** Asks for the app's code: its entry, and beside it every file the entry would otherwise ask for only once it runs. */
function loadApp(entryUrl: string): void {
  for (const file of loader?.dataset.preload?.split(' ').filter(Boolean) ?? []) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.crossOrigin = '';
    link.href = file;
    document.head.append(link);
  }
  import(/* @vite-ignore */ new URL(entryUrl, document.baseURI).href).catch((error: unknown) => {
    // The app could not start: the frame must not stay up as if it were the app.
    if (root) dropFrame(root);
    throw error;
  });
}

if (entry !== undefined) {
  const frame = root ? frameToShow(entry) : null;
  if (root && frame) {
    showFrame(root, frame);
    // A window that is not painting (hidden, in the background) gets no frame callbacks: the timer starts the app there.
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      loadApp(entry);
    };
    afterNextPaint(start);
    setTimeout(start, 100);
  } else {
    loadApp(entry);
  }
}

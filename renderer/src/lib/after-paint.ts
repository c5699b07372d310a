/**
 * Runs `work` once the next frame has been painted: a frame callback runs just
 * before the paint, and a task queued from it runs once that paint is done.
 * Returns what cancels it.
 */
export function afterNextPaint(work: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(work);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** Runs `work` when the window has nothing else to do (at once in a test's DOM, which has no idle callbacks). */
export function whenIdle(work: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(() => work());
  else setTimeout(work);
}

/** The Element Timing name of what marks the first screen as shown: a server's name, at the top of its view. */
export const FIRST_SCREEN = 'first-screen';

let firstScreen: Promise<void> | undefined;

/**
 * Resolves once the first screen is on the screen, as the browser reports for
 * the element named FIRST_SCREEN. Work queued after a frame callback can
 * still hold up that frame on its way to the screen; work that waits for this
 * (the growth picture, the other tabs' code, the sign-up history) cannot.
 * Where the browser cannot report it (a test's DOM), after the next paint; and
 * after a second at the latest, for a first screen without that element.
 */
export function firstScreenShown(): Promise<void> {
  firstScreen ??= new Promise((shown) => {
    const reported = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes.includes('element');
    const observer = reported
      ? new PerformanceObserver((list) => {
          if (list.getEntries().some((entry) => 'identifier' in entry && entry.identifier === FIRST_SCREEN)) done();
        })
      : undefined;
    const latest = setTimeout(done, 1000);
    function done(): void {
      observer?.disconnect();
      clearTimeout(latest);
      shown();
    }
    if (observer) observer.observe({ type: 'element', buffered: true });
    else afterNextPaint(done);
  });
  return firstScreen;
}

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

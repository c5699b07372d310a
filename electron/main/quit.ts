/** The part of Electron's `app` that quitting uses. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds every quit until `shutdown` has ended the sessions and written what
 * they hold (where sign-up catch-up resumes, the unread counts), then quits.
 * It hangs on `before-quit`, which every way out emits: the last window
 * closing, and also Cmd+Q and the menu's Quit, which skip
 * `window-all-closed`. A failed shutdown still quits.
 */
export function quitAfterShutdown(app: QuittingApp, shutdown: () => Promise<void>): void {
  let state: 'running' | 'shutting-down' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'shutting-down') return;
    state = 'shutting-down';
    void shutdown()
      .catch(() => undefined)
      .finally(() => {
        state = 'done';
        app.quit();
      });
  });
}

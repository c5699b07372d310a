type Screens = typeof import('./screens');

let loading: Promise<Screens> | undefined;

/** The screens behind a server's tabs (screens.ts), fetched once however many views ask. */
export function loadScreens(): Promise<Screens> {
  loading ??= import('./screens').catch((error: unknown) => {
    // A fetch that failed is not kept: the next view that asks fetches again.
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Fetches the screens ahead of a click on a tab; if that fails, the tab that asks next fetches them again. */
export function prefetchScreens(): void {
  loadScreens().catch(() => undefined);
}

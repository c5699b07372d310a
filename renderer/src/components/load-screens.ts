type Screens = typeof import('./screens');

let loading: Promise<Screens> | undefined;

/** The screens behind a server's tabs (screens.ts), fetched once however many views ask. */
export function loadScreens(): Promise<Screens> {
  loading ??= import('./screens');
  return loading;
}

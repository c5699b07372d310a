import { keep, readKept, SHOWN_SERVER_KEY } from './window-storage';

/**
 * The window's last complete dashboard, kept as a picture of itself so that
 * the next start can show it at once, before any of the app's code has
 * arrived (renderer/src/first-frame.ts). It is a frame only: what a server
 * said (its policy, its counts, its sign-ups, its status) is left out, marked
 * where it is rendered with LIVE, and the app replaces the whole frame when
 * it mounts.
 */

const KEY = 'invite-desk.kept-frame';

/** Marks an element whose content is what a server said: a kept frame holds the element, empty. */
export const LIVE = 'data-live';

/** Where a kept frame carries an element's style attribute. */
const KEPT_STYLE = 'data-kept-style';

/** A frame larger than this is not kept: drawing it would cost the start more than it saves. */
export const MAX_FRAME_CHARS = 128 * 1024;

export interface KeptFrame {
  /** The app's code the frame was drawn by: its styles fit no other. */
  build: string;
  /** The server whose dashboard it is. */
  serverId: string;
  lang: string;
  html: string;
}

/** What a frame is kept by and shown for: the entry script's file, which changes with any of the code or styles. */
export function buildOf(entryUrl: string): string {
  return entryUrl.slice(entryUrl.lastIndexOf('/') + 1);
}

/** The page's loader names the app's entry; a page without it (the dev server) neither keeps nor shows frames. */
export function pageEntry(): string | null {
  return document.querySelector<HTMLScriptElement>('script[data-entry]')?.dataset.entry ?? null;
}

/** Keeps what `root` shows now, as the frame of `serverId`'s dashboard, with every LIVE part emptied. */
export function keepFrame(root: Element, serverId: string): void {
  const entry = pageEntry();
  if (entry === null) return;
  const copy = root.cloneNode(true) as Element;
  for (const live of copy.querySelectorAll(`[${LIVE}]`)) live.replaceChildren();
  // The real first screen reports its paint by these names: a frame must not report it first.
  for (const timed of copy.querySelectorAll('[elementtiming]')) timed.removeAttribute('elementtiming');
  // The page's policy refuses style attributes in markup (they come from the app's code, through the CSSOM): they travel aside.
  for (const styled of copy.querySelectorAll('[style]')) {
    styled.setAttribute(KEPT_STYLE, styled.getAttribute('style') ?? '');
    styled.removeAttribute('style');
  }
  const html = copy.innerHTML;
  const frame: KeptFrame = { build: buildOf(entry), serverId, lang: document.documentElement.lang, html };
  keep(KEY, html.length > MAX_FRAME_CHARS ? null : JSON.stringify(frame));
}

/** Forgets the kept frame if it shows `serverId` (a server removed or signed out of shows no dashboard next time). */
export function forgetFrameOf(serverId: string): void {
  if (readFrame()?.serverId === serverId) keep(KEY, null);
}

/** The kept frame, whatever code drew it; null if none was kept or what is kept is not a frame. */
export function readFrame(): KeptFrame | null {
  const text = readKept(KEY);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { build, serverId, lang, html } = value as Record<string, unknown>;
    if (typeof build !== 'string' || typeof serverId !== 'string' || typeof lang !== 'string' || typeof html !== 'string') return null;
    return { build, serverId, lang, html };
  } catch {
    return null;
  }
}

/** The frame to show at this start: drawn by this code, of the server the window will show. */
export function frameToShow(entryUrl: string): KeptFrame | null {
  const frame = readFrame();
  if (frame === null || frame.build !== buildOf(entryUrl) || frame.serverId !== readKept(SHOWN_SERVER_KEY)) return null;
  return frame;
}

/** Shows `frame` in `root` until the app replaces it: nothing in it can be clicked or focused, and screen readers are not offered it as the app. */
export function showFrame(root: HTMLElement, frame: KeptFrame): void {
  if (frame.lang) document.documentElement.lang = frame.lang;
  // The markup is this window's own, kept from its own page; the page's policy runs no script and loads nothing from elsewhere in it.
  root.innerHTML = frame.html;
  for (const styled of root.querySelectorAll<HTMLElement>(`[${KEPT_STYLE}]`)) {
    styled.style.cssText = styled.getAttribute(KEPT_STYLE) ?? '';
    styled.removeAttribute(KEPT_STYLE);
  }
  root.toggleAttribute('inert', true);
  root.setAttribute('aria-hidden', 'true');
}

/** Takes a shown frame away, for the app to mount in its place. */
export function dropFrame(root: HTMLElement): void {
  root.replaceChildren();
  root.removeAttribute('inert');
  root.removeAttribute('aria-hidden');
}

import type { WindowState } from '../core/settings/settings-document';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1100, height: 760 };
export const MIN_SIZE = { width: 720, height: 520 };

/** How much of the window's title bar must be on a screen for the admin to grab it. */
const GRAB_MARGIN = 64;

function visibleOn(bounds: Rectangle, area: Rectangle): boolean {
  const left = Math.max(bounds.x, area.x);
  const right = Math.min(bounds.x + bounds.width, area.x + area.width);
  // The top edge (where the title bar is) must lie on this screen.
  return right - left >= GRAB_MARGIN && bounds.y >= area.y && bounds.y < area.y + area.height - GRAB_MARGIN;
}

/**
 * Where to open the window: where it was, if that place is still on one of
 * the screens (a monitor may have been unplugged since), else centred on the
 * primary screen at the saved size, shrunk to fit.
 */
export function restoreBounds(saved: WindowState | undefined, workAreas: Rectangle[]): Rectangle & { maximized: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const home = saved && workAreas.find((area) => visibleOn(saved, area));
  const fitTo = home ?? primary;
  const width = Math.max(MIN_SIZE.width, Math.min(saved?.width ?? DEFAULT_SIZE.width, fitTo.width));
  const height = Math.max(MIN_SIZE.height, Math.min(saved?.height ?? DEFAULT_SIZE.height, fitTo.height));
  const maximized = saved?.maximized ?? false;
  if (saved && home) return { x: saved.x, y: saved.y, width, height, maximized };
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
    maximized,
  };
}

/** What to save: the normal (not maximized) bounds, so un-maximizing next time restores a sensible size. */
export function windowStateOf(normalBounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.max(MIN_SIZE.width, Math.round(normalBounds.width)),
    height: Math.max(MIN_SIZE.height, Math.round(normalBounds.height)),
    maximized,
  };
}

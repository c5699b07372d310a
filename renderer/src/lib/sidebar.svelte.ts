import { keep, readKept } from './window-storage';

/**
 * The width of the server list, and whether it is folded to a narrow rail:
 * the admin's to choose, and kept for the next start in this window's own
 * storage (a matter of this screen, not of any server).
 */
export const SIDEBAR_WIDTH = { min: 180, max: 480, initial: 260 } as const;
const KEY = 'invite-desk.sidebar';

const clamp = (width: number): number => Math.round(Math.min(SIDEBAR_WIDTH.max, Math.max(SIDEBAR_WIDTH.min, width)));

export class Sidebar {
  width = $state<number>(SIDEBAR_WIDTH.initial);
  collapsed = $state(false);

  constructor() {
    try {
      const saved = JSON.parse(readKept(KEY) ?? 'null') as unknown;
      if (typeof saved === 'object' && saved !== null) {
        const { width, collapsed } = saved as { width?: unknown; collapsed?: unknown };
        if (typeof width === 'number' && Number.isFinite(width)) this.width = clamp(width);
        this.collapsed = collapsed === true;
      }
    } catch {
      // Something unreadable: the defaults do.
    }
  }

  resize(width: number): void {
    this.width = clamp(width);
    this.save();
  }

  toggle(): void {
    this.collapsed = !this.collapsed;
    this.save();
  }

  private save(): void {
    keep(KEY, JSON.stringify({ width: this.width, collapsed: this.collapsed }));
  }
}

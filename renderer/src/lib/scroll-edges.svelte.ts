/**
 * Whether a row that scrolls sideways hides anything before or after what it
 * shows, kept current as it scrolls, resizes or its items change size, so the
 * row can offer buttons to the parts a narrow window hides.
 */
export class ScrollEdges {
  hiddenBefore = $state(false);
  hiddenAfter = $state(false);
  #row: HTMLElement | undefined;

  /** An attachment for the row: `{@attach edges.follow}`. Its children are watched too, since a longer label widens the row's content, not the row. */
  readonly follow = (row: HTMLElement): (() => void) => {
    this.#row = row;
    const measure = (): void => this.#measure(row);
    const resized = new ResizeObserver(measure);
    const watch = (): void => {
      resized.disconnect();
      resized.observe(row);
      for (const child of row.children) resized.observe(child);
    };
    // Items come and go (a module's sections appear once the server says it has them).
    const changed = new MutationObserver(watch);
    changed.observe(row, { childList: true });
    watch();
    row.addEventListener('scroll', measure, { passive: true });
    return () => {
      resized.disconnect();
      changed.disconnect();
      row.removeEventListener('scroll', measure);
      this.#row = undefined;
    };
  };

  /** Scrolls most of a row's width towards the hidden side, keeping a little of what was shown for context. */
  page(direction: 'before' | 'after'): void {
    const row = this.#row;
    if (!row) return;
    const still = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    row.scrollBy({ left: (direction === 'after' ? 1 : -1) * row.clientWidth * 0.8, behavior: still ? 'instant' : 'smooth' });
  }

  #measure(row: HTMLElement): void {
    // A pixel of slack: zoomed layouts leave fractions in scrollLeft.
    this.hiddenBefore = row.scrollLeft > 1;
    this.hiddenAfter = row.scrollLeft + row.clientWidth < row.scrollWidth - 1;
  }
}

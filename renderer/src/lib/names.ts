/**
 * Server names in a narrow list: "demo.invite-desk.example" and
 * "demo2.invite-desk.example" differ only at their start, so cutting both at
 * the end makes them look alike. Each is split where it stops sharing an
 * ending with another name in the list, so the part that tells it apart can
 * stay whole while the shared ending gives way.
 */
export interface SplitName {
  /** What tells this name apart from the others. */
  lead: string;
  /** The ending it shares with another name in the list, from its dot on; empty when it shares none. */
  rest: string;
}

/** How many whole labels at the end of `a` and `b` are the same. */
function sharedLabels(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** Each name split into its own part and the longest ending it shares, by whole labels, with any other; never all of it. */
export function splitNames(names: readonly string[]): SplitName[] {
  const labels = names.map((name) => name.split('.'));
  return labels.map((own, i) => {
    const shared = Math.min(own.length - 1, Math.max(0, ...labels.map((other, j) => (i === j || other.join('.') === own.join('.') ? 0 : sharedLabels(own, other)))));
    if (shared === 0) return { lead: own.join('.'), rest: '' };
    return { lead: own.slice(0, own.length - shared).join('.'), rest: `.${own.slice(own.length - shared).join('.')}` };
  });
}

import type { InviterTreeEntry } from './api';

/** An account and the accounts it brought in. */
export interface InviterNode {
  entry: InviterTreeEntry;
  children: InviterNode[];
}

const byJoined = (a: InviterNode, b: InviterNode): number => (a.entry.joined ?? '').localeCompare(b.entry.joined ?? '') || a.entry.jid.localeCompare(b.entry.jid);

/**
 * Who invited whom, as trees: an account whose inviter is not among the
 * accounts (an admin tool, a deleted account, nobody) starts a tree. Each
 * account appears once, even where the server's data loops.
 */
export function inviterTrees(entries: readonly InviterTreeEntry[]): InviterNode[] {
  const nodes = new Map(entries.map((entry) => [entry.jid, { entry, children: [] as InviterNode[] }]));
  const parentOf = new Map<InviterNode, InviterNode>();
  const roots: InviterNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.entry.invitedBy === node.entry.jid ? undefined : nodes.get(node.entry.invitedBy ?? '');
    if (parent) {
      parent.children.push(node);
      parentOf.set(node, parent);
    } else roots.push(node);
  }
  const reached = new Set<InviterNode>();
  // Without recursion: a chain of 10,000 invitations is 10,000 levels deep.
  const reach = (node: InviterNode): void => {
    const stack = [node];
    for (let next = stack.pop(); next; next = stack.pop()) {
      reached.add(next);
      stack.push(...next.children);
    }
  };
  roots.forEach(reach);
  // A loop (a invited b, b invited a) has no root: the first of it starts a tree of its own.
  for (const node of nodes.values()) {
    if (reached.has(node)) continue;
    const parent = parentOf.get(node);
    if (parent) parent.children.splice(parent.children.indexOf(node), 1);
    roots.push(node);
    reach(node);
  }
  roots.sort(byJoined);
  for (const node of nodes.values()) node.children.sort(byJoined);
  return roots;
}

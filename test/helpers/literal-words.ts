import { parse } from 'svelte/compiler';

/**
 * Finds user-facing English written in place in a Svelte component: text,
 * attributes such as aria-label or title, and sentences or capitalised labels
 * in its script and expressions. Keys passed to t()/tIn(), comparisons and
 * machine attributes (class, id, type…) are not words.
 */
/** Attributes whose static value is machine text (names, ids, types), never shown as words. */
const MACHINE_ATTRIBUTES = new Set([
  'class', 'id', 'type', 'name', 'value', 'for', 'href', 'rel', 'target', 'role', 'lang', 'dir', 'autocomplete', 'inputmode',
  'spellcheck', 'pattern', 'accept', 'method', 'src', 'viewBox', 'xmlns', 'fill', 'stroke', 'd', 'points', 'transform',
  'preserveAspectRatio', 'text-anchor', 'dominant-baseline', 'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'focusable',
  'aria-hidden', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-live', 'aria-current', 'aria-haspopup',
  'aria-expanded', 'aria-pressed', 'aria-checked', 'aria-invalid', 'aria-busy', 'aria-atomic', 'aria-modal', 'aria-orientation',
  'aria-sort', 'aria-errormessage', 'data-testid', 'tone', 'kind', 'variant', 'size', 'mode',
]);

/** Elements whose content is code to type or copy, never words to translate. */
const CODE_ELEMENTS = new Set(['code', 'pre', 'kbd', 'samp']);

/** Words: a letter run of two or more, beside another word or starting with a capital ("Save", "pending invites"). */
const looksLikeWords = (text: string): boolean => /[A-Za-z]{2,}[\s,.:;!?…][^{}]*[A-Za-z]{2,}/.test(text) || /^[A-Z][a-z]+[.!?…]?$/.test(text.trim());

/** Text that is a product or protocol name, a symbol or a number, which no language translates. */
const UNTRANSLATED = /^(?:[\s\d.,:;·–—…%/()+×#*@-]|mod_[a-z_]+|XMPP|Prosody|A4|Invite Desk|QR|PDF|CSV|https?:\/\/\S*|xmpp:\S*)*$/;

export interface Finding {
  line: number;
  text: string;
}

type Node = { type: string; start: number; [key: string]: unknown };

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

/** Strings in script and expressions: a sentence or a capitalised label, not a key, a code or a state name. */
function scriptFindings(source: string, node: unknown, found: Finding[], parent?: Node): void {
  if (Array.isArray(node)) {
    for (const child of node) scriptFindings(source, child, found, parent);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  // Comparisons, imports, keys of `t`/`tIn`, and `lang`-like arguments are machine text.
  if (n.type === 'ImportDeclaration' || n.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(n.operator as string)) return;
  if (n.type === 'CallExpression') {
    const callee = n.callee as Node & { name?: string; property?: { name?: string } };
    const name = callee.name ?? callee.property?.name;
    if (name && ['t', 'tIn', 'querySelector', 'getElementById', 'addEventListener', 'setAttribute', 'closest', 'matchMedia', 'startsWith', 'endsWith', 'includes', 'split', 'join', 'replace', 'test', 'Error'].includes(name)) {
      scriptFindings(source, (n.arguments as unknown[]).slice(name === 't' ? 1 : name === 'tIn' ? 2 : 0), found, n);
      return;
    }
  }
  if (n.type === 'Literal' && typeof n.value === 'string' && parent?.type !== 'Property' && isWords(n.value)) found.push({ line: lineOf(source, n.start), text: n.value });
  if (n.type === 'TemplateLiteral') {
    const text = (n.quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked).join('{}');
    if (isWords(text.replace(/\{\}/g, ' '))) found.push({ line: lineOf(source, n.start), text });
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === 'parent' || key === 'loc' || key === 'start' || key === 'end' || key === 'leadingComments' || key === 'trailingComments') continue;
    if (n.type === 'Property' && key === 'key') continue;
    scriptFindings(source, child, found, n);
  }
}

function isWords(text: string): boolean {
  return looksLikeWords(text) && !UNTRANSLATED.test(text) && !/^[a-z0-9]+(?:[.-][a-zA-Z0-9]+)+$/.test(text.trim());
}

function markupFindings(source: string, node: unknown, found: Finding[]): void {
  if (Array.isArray(node)) {
    for (const child of node) markupFindings(source, child, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  // What is marked up as code (a command, a config line) is typed as it stands, in every language.
  if (n.type === 'RegularElement' && CODE_ELEMENTS.has(n.name as string)) return;
  if (n.type === 'Text' && isWords(n.data as string)) found.push({ line: lineOf(source, n.start), text: (n.data as string).trim() });
  if (n.type === 'Attribute') {
    const machine = MACHINE_ATTRIBUTES.has(n.name as string);
    for (const part of (Array.isArray(n.value) ? n.value : [n.value]) as (Node | true)[]) {
      if (part === true) continue;
      if (part.type === 'Text' && !machine && isWords(part.data as string)) found.push({ line: lineOf(source, part.start), text: `${n.name as string}="${part.data as string}"` });
      if (part.type === 'ExpressionTag' && n.name !== 'class') scriptFindings(source, part.expression, found);
    }
    return;
  }
  if (n.type === 'ExpressionTag') {
    scriptFindings(source, n.expression, found);
    return;
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === 'parent' || key === 'css' || key === 'instance' || key === 'module' || key === 'metadata') continue;
    markupFindings(source, child, found);
  }
}

/** What in one component reads as words written in place. */
export function literalWords(source: string): Finding[] {
  const ast = parse(source, { modern: true });
  const found: Finding[] = [];
  markupFindings(source, ast.fragment, found);
  if (ast.instance) scriptFindings(source, ast.instance.content, found);
  return found;
}

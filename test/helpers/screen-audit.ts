import type { Page } from 'playwright-core';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { en, type MessageKey } from '../../renderer/src/lib/i18n/en';
import { pseudoCatalog } from '../../renderer/src/lib/i18n/pseudo';

/**
 * What the pseudo-locale screen test reads off a page: the words a person sees
 * or hears there, and the boxes that spill out sideways.
 */

/**
 * Names that stay as they are in every language: the product and the server
 * software. Only these exact spellings are passed over, as whole words (the
 * product as its two words together), so "invite" or "desk" on their own are
 * still caught, and so is every word around a name.
 */
const PROPER_NOUNS = ['Invite Desk', 'Prosody', 'XMPP'];

/**
 * A token that is an address or a code, not a word: a JID or domain
 * ("zofia@ogrodek.test"), a link, a module or option name ("mod_invite_desk",
 * "registration_notification"), a template variable ("$username"), a file path,
 * an id or a size where letters touch digits ("1d96326a07961eb6", "A4").
 * Translations keep these as they are, so they are skipped on the page and in the
 * catalog alike.
 */
const ADDRESS = /[@_/=$\\]|\p{L}[.:]\p{L}|\p{L}\d|\d\p{L}/u;

/** The plain words of `text`, lower-cased, leaving out addresses and the proper nouns. */
export function wordsOf(text: string): string[] {
  let rest = text;
  for (const name of PROPER_NOUNS) rest = rest.replace(new RegExp(`\\b${name}\\b`, 'g'), ' ');
  return rest
    .split(/\s+/)
    .filter((token) => !ADDRESS.test(token))
    .flatMap((token) => token.split(/[^\p{L}]+/u))
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

function literals(elements: MessageFormatElement[]): string[] {
  return elements.flatMap((element) => {
    if (element.type === TYPE.literal) return [element.value];
    if (element.type === TYPE.plural || element.type === TYPE.select) return Object.values(element.options).flatMap((option) => literals(option.value));
    if (element.type === TYPE.tag) return literals(element.children);
    return [];
  });
}

/** Every plain-ASCII word of the English catalog's texts (not its argument names), lower-cased. */
export const ENGLISH_WORDS: ReadonlySet<string> = new Set(
  Object.values<string>(en)
    .flatMap((message) => literals(parse(message)))
    .flatMap(wordsOf)
    .filter((word) => /^[a-z]+$/.test(word)),
);

const PSEUDO = pseudoCatalog(en);

/** A catalog message as the pseudo-locale shows it. */
export function pseudo(key: MessageKey, values?: Record<string, PrimitiveType>): string {
  return String(new IntlMessageFormat(PSEUDO[key], 'en-XA').format(values));
}

export interface SeenText {
  /** The element it is on, as a short CSS path. */
  where: string;
  /** Where the text is not the element's own text: the attribute, the field's value or the chosen option. */
  attribute?: string;
  text: string;
}

export interface Overflow {
  where: string;
  scrollWidth: number;
  clientWidth: number;
}

export interface ScreenReading {
  texts: SeenText[];
  /** How far the page itself is wider than the window, in CSS pixels; 0 when it is not. */
  pageOverflow: number;
  /** When it is: the innermost elements that reach past the window's right edge, which make it so. */
  beyondEdge: string[];
  overflows: Overflow[];
}

/**
 * Runs in the page (as source text: the tests' TypeScript has no DOM types).
 *
 * Text: every text node that is rendered (`checkVisibility`, which counts the
 * visually-hidden text screen readers speak), the values of text fields and
 * buttons, the chosen option of a select, and the accessible names that are not
 * text: aria-label, title, placeholder, alt. Left out: <code>, <pre>, <kbd> and
 * <samp> (config, links and keys, which stay as they are in every language), and
 * elements that declare themselves English with lang="en" (a quotation, such as
 * the server's own error message beside its translation, or the name "English"
 * in a language list).
 *
 * Overflow, the fair test: the page must not scroll sideways
 * (document scrollWidth > clientWidth); and no box may have content wider than
 * itself that spills out (overflow-x visible) or is cut off without an ellipsis
 * (overflow-x hidden or clip). A box that scrolls sideways by design
 * (overflow-x auto or scroll, e.g. the tab row or a wide table) is fine, as is
 * deliberate truncation with text-overflow: ellipsis. Form fields scroll their own
 * text, inline boxes have no width of their own to measure, and 1-pixel boxes are
 * the visually-hidden text for screen readers: all three are skipped. A pixel of
 * rounding is allowed. Nor may the children of a grid or flex box overlap, which
 * is how a box too wide for its cell runs over its neighbour.
 */
const READ_SCREEN = String.raw`(() => {
  const QUOTED = 'code, pre, kbd, samp, [lang="en"], script, style, template';
  const path = (element) => {
    const parts = [];
    for (let e = element; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      const id = e.id ? '#' + e.id : '';
      const cls = [...e.classList].filter((c) => !c.startsWith('svelte-')).slice(0, 2).map((c) => '.' + c).join('');
      parts.unshift(e.localName + id + cls);
    }
    return parts.join(' > ');
  };
  const shown = (element) => element.checkVisibility({ visibilityProperty: true }) && !element.closest('[aria-hidden="true"]');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !parent || parent.closest(QUOTED) || parent.closest('select') || !parent.checkVisibility({ visibilityProperty: true })) continue;
    texts.push({ where: path(parent), text });
  }
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest(QUOTED) || !shown(element)) continue;
    for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = element.getAttribute(attribute);
      if (value) texts.push({ where: path(element), attribute, text: value });
    }
    if (element.localName === 'select' && element.selectedOptions[0] && !element.selectedOptions[0].closest(QUOTED)) texts.push({ where: path(element), attribute: 'option', text: element.selectedOptions[0].text });
    const fieldValue = element.localName === 'textarea' || (element.localName === 'input' && ['text', 'search', 'url', 'email', 'number', 'button', 'submit', 'reset', ''].includes(element.getAttribute('type') ?? ''));
    if (fieldValue && element.value) texts.push({ where: path(element), attribute: 'value', text: element.value });
  }
  const overflows = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element instanceof SVGElement || ['input', 'textarea', 'select', 'option'].includes(element.localName) || !shown(element)) continue;
    const style = getComputedStyle(element);
    if (style.display === 'inline' || element.clientWidth <= 1) continue;
    if (element.scrollWidth <= element.clientWidth + 1) continue;
    const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
    const ellipsis = style.textOverflow === 'ellipsis';
    if (scrolls || (style.overflowX !== 'visible' && ellipsis)) continue;
    overflows.push({ where: path(element), scrollWidth: element.scrollWidth, clientWidth: element.clientWidth });
  }
  // A box can also be wider than its cell in a grid or row and run over its neighbour, which no scroll width shows:
  // the laid-out children of a grid or flex box must not overlap (positioned ones, such as badges, may).
  for (const container of document.body.querySelectorAll('*')) {
    if (container.closest(QUOTED) || !shown(container)) continue;
    const display = getComputedStyle(container).display;
    if (!/grid|flex/.test(display)) continue;
    const boxes = [...container.children]
      .filter((child) => shown(child) && !['absolute', 'fixed'].includes(getComputedStyle(child).position))
      .map((child) => ({ child, rect: child.getBoundingClientRect() }))
      .filter(({ rect }) => rect.width > 1 && rect.height > 1);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i].rect, boxes[j].rect];
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > 1 && down > 1) overflows.push({ where: path(boxes[i].child) + ' runs into ' + path(boxes[j].child), scrollWidth: Math.round(a.width), clientWidth: Math.round(a.width - across) });
      }
    }
  }
  const root = document.documentElement;
  const pageOverflow = Math.max(0, root.scrollWidth - root.clientWidth);
  const beyond = pageOverflow === 0 ? [] : [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1);
  const beyondEdge = beyond.filter((e) => !beyond.some((other) => other !== e && e.contains(other))).slice(0, 5).map(path);
  return { texts, pageOverflow, beyondEdge, overflows };
})()`;

export function readScreen(page: Page): Promise<ScreenReading> {
  return page.evaluate<ScreenReading>(READ_SCREEN);
}

export interface EnglishFind extends SeenText {
  words: string[];
}

/** The texts on screen with words of the English catalog in them, and those words. */
export function englishOn(texts: readonly SeenText[]): EnglishFind[] {
  return texts.flatMap((seen) => {
    const words = [...new Set(wordsOf(seen.text).filter((word) => /^[a-z]+$/.test(word) && ENGLISH_WORDS.has(word)))];
    return words.length === 0 ? [] : [{ ...seen, words }];
  });
}

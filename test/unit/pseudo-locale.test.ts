import { describe, expect, it } from 'vitest';
import { pseudoCatalog, pseudoText } from '../../renderer/src/lib/i18n/pseudo';

describe('the pseudo-locale', () => {
  it('accents every letter and makes the text about 40% longer', () => {
    const english = 'Show a desktop notification for each new account';
    const pseudo = pseudoText(english);
    expect(pseudo).not.toMatch(/[A-Za-z]/);
    expect(pseudo.length / english.length).toBeGreaterThan(1.3);
    expect(pseudo.length / english.length).toBeLessThan(1.6);
  });

  it('grows each word on its own, so no word is longer than a long word of a real language', () => {
    const english = 'Show a desktop notification for each new account (sign-ups that happened while Invite Desk was closed come as one)';
    const longest = Math.max(...pseudoText(english).split(/\s+/).map((word) => word.length));
    // "notification" is 12 letters; 40% more is 17, and a German compound of 20 or more is common.
    expect(longest).toBeLessThanOrEqual(Math.ceil('notification'.length * 1.4) + 1);
  });

  it('keeps arguments and plural branches, padding only the words', () => {
    expect(pseudoCatalog({ k: '{n, plural, one {# card} other {# cards}} for {domain}' }).k).toBe('{n,plural,one{# çáŕð~~} other{# çáŕðš~~}} ƒöŕ~~ {domain}');
  });
});

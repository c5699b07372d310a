import { describe, expect, it } from 'vitest';
import type { Element } from '@xmpp/xml';
import { GuardedParser, MAX_STANZA_CHARACTERS, StanzaTooLargeError } from '../../electron/core/xmpp/guarded-stream';

/**
 * One stanza from a server may not grow without end: the parser reports a
 * stanza past its limit (16 MB) as an error, which ends that connection,
 * and keeps nothing of what follows. Keep-alives between stanzas never add up.
 */

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
const MEGABYTE = 1024 * 1024;

function parser(): { parser: GuardedParser; errors: Error[]; elements: Element[] } {
  const p = new GuardedParser();
  const errors: Error[] = [];
  const elements: Element[] = [];
  p.on('error', (error: Error) => errors.push(error));
  p.on('element', (element: Element) => elements.push(element));
  p.write(HEADER);
  return { parser: p, errors, elements };
}

describe('the size of a stanza from a server', () => {
  it('ends an element that never ends once it passes 16 MB, and reads nothing after', () => {
    const { parser: p, errors, elements } = parser();
    p.write('<message><body>');
    // In records of 16 KB, as TLS delivers them.
    const chunk = 'A'.repeat(16 * 1024);
    let written = 0;
    while (errors.length === 0 && written < 20 * MEGABYTE) {
      p.write(chunk);
      written += chunk.length;
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StanzaTooLargeError);
    expect(errors[0]?.message).toBe('the server sent a stanza larger than 16 MB');
    expect(written).toBeLessThanOrEqual(MAX_STANZA_CHARACTERS + chunk.length);
    p.write('</body></message><iq type="result" id="1"/>');
    expect(elements).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('ends an attribute value that never ends', () => {
    const { parser: p, errors } = parser();
    p.write("<message to='");
    for (let i = 0; i < 20 && errors.length === 0; i++) p.write('B'.repeat(MEGABYTE));
    expect(errors[0]).toBeInstanceOf(StanzaTooLargeError);
  });

  it('takes a stanza of 10 MB, and any number of keep-alives between stanzas', () => {
    const { parser: p, errors, elements } = parser();
    p.write(`<message><body>${'C'.repeat(10 * MEGABYTE)}</body></message>`);
    for (let i = 0; i < 40; i++) p.write(' '.repeat(MEGABYTE));
    p.write('<iq type="result" id="2"/>');
    expect(errors).toEqual([]);
    expect(elements.map((e) => e.name)).toEqual(['message', 'iq']);
    expect(elements[0]?.getChildText('body')).toHaveLength(10 * MEGABYTE);
  });

  it('refuses text between stanzas, which stock xmpp.js keeps for as long as the stream lasts', () => {
    const { parser: p, errors } = parser();
    p.write('junk<iq type="result" id="3"/>');
    expect(errors.map((e) => e.name)).toEqual(['XMLError']);
  });
});

describe('stanzas split anywhere', () => {
  it('reads the same stanzas however the bytes are cut, whitespace inside a tag included', () => {
    const stanzas = "<iq type='result' id='a1'><x xmlns='jabber:x:data'><field var='kind' type='list-single'><value>account</value></field></x></iq> <message to='a@b'><body>hi there</body></message>";
    const whole = parser();
    whole.parser.write(stanzas);
    const expected = whole.elements.map((e) => e.toString());
    expect(expected).toHaveLength(2);
    for (let cut = 1; cut < stanzas.length; cut++) {
      const { parser: p, errors, elements } = parser();
      p.write(stanzas.slice(0, cut));
      p.write(stanzas.slice(cut));
      expect(errors, `cut at ${cut}`).toEqual([]);
      expect(elements.map((e) => e.toString()), `cut at ${cut}`).toEqual(expected);
    }
  });
});

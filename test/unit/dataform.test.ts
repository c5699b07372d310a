import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import xml, { type Element } from '@xmpp/xml';
import Parser from '@xmpp/xml/lib/Parser.js';
import { AdminError } from '../../common/errors';
import { booleanValue, lines, parseDataForm, submitForm, textValue, FIELD_TYPES } from '../../electron/core/xmpp/dataform';

function parseXml(text: string): Element {
  const parser = new Parser();
  let root: Element | undefined;
  parser.on('element', (el: Element) => (root = el));
  parser.write(`<stream>${text}`);
  if (!root) throw new Error('no element');
  return root;
}

describe('data forms (XEP-0004)', () => {
  it('reads every field type, options, instructions and a reported table', () => {
    const form = parseDataForm(
      parseXml(`<x xmlns='jabber:x:data' type='result'><title>T</title><instructions>one</instructions><instructions>two</instructions>
        <field var='b' type='boolean'><value>1</value></field>
        <field type='fixed'><value>note</value></field>
        <field var='h' type='hidden'><value>hv</value></field>
        <field var='jm' type='jid-multi'><value>a@b.c</value><value>d@e.f</value></field>
        <field var='js' type='jid-single'><value>a@b.c</value></field>
        <field var='lm' type='list-multi'><option label='One'><value>1</value></option><option><value>2</value></option><value>1</value><value>2</value></field>
        <field var='ls' type='list-single' label='Pick'><desc>help</desc><required/><value>x</value></field>
        <field var='tm' type='text-multi'><value>l1</value><value>l2
l3</value></field>
        <field var='tp' type='text-private'><value>secret</value></field>
        <field var='ts'><value>plain</value></field>
        <reported><field var='token' label='Token'/><field var='expires'/></reported>
        <item><field var='token'><value>t1</value></field><field var='expires'><value>e1</value></field></item>
        <item><field var='token'><value>t2</value></field><field var='expires'><value>e2</value></field></item>
      </x>`),
    );
    expect(form.type).toBe('result');
    expect(form.title).toBe('T');
    expect(form.instructions).toEqual(['one', 'two']);
    expect(form.fields.map((f) => f.type)).toEqual([...FIELD_TYPES]);
    expect(booleanValue(form, 'b')).toBe(true);
    expect(textValue(form, 'ts')).toBe('plain');
    expect(lines(form, 'tm')).toEqual(['l1', 'l2', 'l3']);
    const listSingle = form.fields.find((f) => f.var === 'ls');
    expect(listSingle).toMatchObject({ label: 'Pick', desc: 'help', required: true });
    expect(form.fields.find((f) => f.var === 'lm')?.options).toEqual([{ label: 'One', value: '1' }, { value: '2' }]);
    expect(form.reported.map((f) => f.var)).toEqual(['token', 'expires']);
    expect(form.items.map((row) => textValue(row, 'token'))).toEqual(['t1', 't2']);
  });

  it('writes a submit form that reads back the same', () => {
    const form = parseDataForm(submitForm({ accountjids: ['a@b.c', 'd@e.f'], max: 3, flag: false, note: 'hi' }, 'urn:example'));
    expect(form.type).toBe('submit');
    expect(textValue(form, 'FORM_TYPE')).toBe('urn:example');
    expect(form.fields.find((f) => f.var === 'accountjids')?.values).toEqual(['a@b.c', 'd@e.f']);
    expect(textValue(form, 'max')).toBe('3');
    expect(booleanValue(form, 'flag')).toBe(false);
  });

  it.each([
    ['no type', "<x xmlns='jabber:x:data'/>"],
    ['an unknown type', "<x xmlns='jabber:x:data' type='evil'/>"],
    ['a nameless field', "<x xmlns='jabber:x:data' type='form'><field type='text-single'/></x>"],
    ['two values in a text-single field', "<x xmlns='jabber:x:data' type='form'><field var='a' type='text-single'><value>1</value><value>2</value></field></x>"],
    ['an option without a value', "<x xmlns='jabber:x:data' type='form'><field var='a' type='list-single'><option/></field></x>"],
    ['another namespace', "<x xmlns='jabber:x:oob' type='form'/>"],
  ])('refuses a form with %s as a server-error', (_name, text) => {
    expect(() => parseDataForm(parseXml(text))).toThrow(AdminError);
  });

  it('refuses huge forms instead of holding them', () => {
    const values = Array.from({ length: 10_001 }, () => xml('value', {}, 'x'));
    expect(() => parseDataForm(xml('x', { xmlns: 'jabber:x:data', type: 'form' }, xml('field', { var: 'a', type: 'text-multi' }, ...values)))).toThrow(/too many values/);
    expect(() => parseDataForm(xml('x', { xmlns: 'jabber:x:data', type: 'form' }, xml('field', { var: 'a' }, xml('value', {}, 'x'.repeat(100_001)))))).toThrow(/too long/);
  });

  it('never throws anything but an AdminError on arbitrary elements (property test)', () => {
    const name = fc.constantFrom('x', 'field', 'value', 'option', 'reported', 'item', 'title', 'instructions', 'desc', 'required', 'evil');
    const attrValue = fc.oneof(fc.constantFrom(...FIELD_TYPES, 'form', 'result', 'submit', 'cancel', 'jabber:x:data', ''), fc.string({ maxLength: 20 }));
    const element: fc.Arbitrary<Element> = fc.letrec<{ node: Element }>((tie) => ({
      node: fc
        .tuple(name, fc.dictionary(fc.constantFrom('type', 'var', 'label', 'xmlns'), attrValue, { maxKeys: 4 }), fc.array(fc.oneof(fc.string({ maxLength: 30 }), tie('node')), { maxLength: 5 }))
        .map(([n, attrs, children]) => xml(n, attrs, ...children)),
    })).node;
    const root = fc.tuple(fc.constantFrom('form', 'result', 'submit', 'cancel', 'bogus'), fc.array(element, { maxLength: 8 })).map(([type, children]) => xml('x', { xmlns: 'jabber:x:data', type }, ...children));

    fc.assert(
      fc.property(root, (x) => {
        try {
          const form = parseDataForm(x);
          for (const f of form.fields) {
            if (f.var !== undefined) {
              textValue(form, f.var);
              lines(form, f.var);
            }
          }
        } catch (error) {
          if (!(error instanceof AdminError) || error.code !== 'server-error') throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

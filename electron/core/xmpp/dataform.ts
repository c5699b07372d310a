import xml, { type Element } from '@xmpp/xml';
import { AdminError } from '../../../common/errors';

/**
 * XEP-0004 data forms, read defensively: whatever a server sends, reading it
 * either yields a well-formed DataForm or throws a `server-error` AdminError.
 */

export const NS_DATA = 'jabber:x:data';

export const FIELD_TYPES = [
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FORM_TYPES = ['form', 'submit', 'cancel', 'result'] as const;
export type FormType = (typeof FORM_TYPES)[number];

export interface FieldOption {
  label?: string;
  value: string;
}

export interface FormField {
  var?: string;
  type: FieldType;
  label?: string;
  desc?: string;
  required: boolean;
  values: string[];
  options: FieldOption[];
}

export interface DataForm {
  type: FormType;
  title?: string;
  instructions: string[];
  fields: FormField[];
  /** Column definitions of a table result (XEP-0004 §3.4). */
  reported: FormField[];
  /** Table rows, each a list of fields named as in `reported`. */
  items: FormField[][];
}

/** What one form may hold before it is refused as hostile. */
export const LIMITS = { fields: 1_000, values: 10_000, valueLength: 100_000, items: 100_000, options: 10_000 } as const;

function malformed(why: string): AdminError {
  return new AdminError('server-error', `The server sent a form Invite Desk cannot read (${why}). Check the server's modules and its log.`);
}

function isFieldType(value: string): value is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(value);
}

function isFormType(value: string): value is FormType {
  return (FORM_TYPES as readonly string[]).includes(value);
}

function textOf(element: Element): string {
  const text = element.text();
  if (text.length > LIMITS.valueLength) throw malformed('a value is too long');
  return text;
}

function parseField(element: Element): FormField {
  const rawType = element.attrs.type ?? 'text-single';
  // XEP-0004: a field without a known type is treated as text-single.
  const type: FieldType = isFieldType(rawType) ? rawType : 'text-single';
  const values = element.getChildren('value');
  if (values.length > LIMITS.values) throw malformed('a field has too many values');
  const options = element.getChildren('option');
  if (options.length > LIMITS.options) throw malformed('a field has too many options');
  const field: FormField = {
    type,
    required: element.getChild('required') !== undefined,
    values: values.map(textOf),
    options: options.map((option) => {
      const value = option.getChild('value');
      if (!value) throw malformed('an option has no value');
      const parsed: FieldOption = { value: textOf(value) };
      if (typeof option.attrs.label === 'string') parsed.label = option.attrs.label.slice(0, 1000);
      return parsed;
    }),
  };
  if (typeof element.attrs.var === 'string') field.var = element.attrs.var.slice(0, 1000);
  if (typeof element.attrs.label === 'string') field.label = element.attrs.label.slice(0, 1000);
  const desc = element.getChild('desc');
  if (desc) field.desc = textOf(desc);
  if (type !== 'fixed' && field.var === undefined) throw malformed(`a ${type} field has no name`);
  // Submitted and result forms may leave the type out (XEP-0004 §3.2); only a declared single field must hold one value.
  if (element.attrs.type !== undefined && !type.endsWith('-multi') && type !== 'fixed' && field.values.length > 1) {
    throw malformed(`the ${type} field ${field.var ?? ''} has several values`);
  }
  return field;
}

function parseFields(parent: Element): FormField[] {
  const fields = parent.getChildren('field');
  if (fields.length > LIMITS.fields) throw malformed('too many fields');
  return fields.map(parseField);
}

export function parseDataForm(element: Element): DataForm {
  if (!element.is('x', NS_DATA)) throw malformed('not a data form');
  const type = element.attrs.type ?? '';
  if (!isFormType(type)) throw malformed(`unknown form type "${type.slice(0, 40)}"`);
  const items = element.getChildren('item');
  if (items.length > LIMITS.items) throw malformed('too many rows');
  const form: DataForm = {
    type,
    instructions: element.getChildren('instructions').map(textOf),
    fields: parseFields(element),
    reported: element.getChild('reported') ? parseFields(element.getChild('reported') as Element) : [],
    items: items.map(parseFields),
  };
  const title = element.getChild('title');
  if (title) form.title = textOf(title);
  return form;
}

/** Finds the first data form among an element's children, if any. */
export function findDataForm(parent: Element): DataForm | undefined {
  const x = parent.getChild('x', NS_DATA);
  return x ? parseDataForm(x) : undefined;
}

export function field(form: DataForm | FormField[], name: string): FormField | undefined {
  return (Array.isArray(form) ? form : form.fields).find((f) => f.var === name);
}

/** The single value of a field, or undefined when it is absent or empty. */
export function textValue(fields: DataForm | FormField[], name: string): string | undefined {
  const value = field(fields, name)?.values[0];
  return value === undefined || value === '' ? undefined : value;
}

/** A text-multi field's lines (servers send either one value with newlines, or a value per line). */
export function lines(fields: DataForm | FormField[], name: string): string[] {
  return (field(fields, name)?.values ?? []).flatMap((v) => v.split('\n'));
}

export function booleanValue(fields: DataForm | FormField[], name: string): boolean | undefined {
  const value = textValue(fields, name);
  if (value === undefined) return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw malformed(`the field ${name} should be true or false`);
}

export type SubmitValue = string | readonly string[] | boolean | number;

/** A `submit` form with FORM_TYPE (when given) and one field per value. */
export function submitForm(values: Record<string, SubmitValue>, formType?: string): Element {
  const fields: Element[] = [];
  if (formType !== undefined) fields.push(xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)));
  for (const [name, value] of Object.entries(values)) {
    const list = typeof value === 'boolean' ? [value ? '1' : '0'] : typeof value === 'number' ? [String(value)] : typeof value === 'string' ? [value] : [...value];
    fields.push(xml('field', { var: name }, ...list.map((v) => xml('value', {}, v))));
  }
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields);
}

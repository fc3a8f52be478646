// Intercom's data attributes: the built-in ones, custom ones created through the API (or on the
// fly by someone in Intercom's UI), and the checks custom_attributes values go through.
import { ApiError, badParam, missingParam } from '../errors';
import {
  type DataAttribute,
  type Model,
  type Scalar,
} from '../model';
import { body, has, isObject } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';
import type { FieldKind } from '../searchQuery';

// S14: "must only contain alphanumeric characters, currency symbols, and hyphens"; spaces and
// underscores are in names Intercom itself ships, so they pass too
const ATTRIBUTE_NAME = /^[\p{L}\p{N}\p{Sc}_\- ]+$/u;
// what a create may ask for: `options` is a list attribute, kept (and answered) as a string with options
const DATA_TYPES = new Set(['string', 'integer', 'float', 'boolean', 'datetime', 'date', 'options']);
const MODEL_WORD: Record<Model, string> = { contact: 'people', company: 'company' };

const BUILT_INS: Record<Model, [string, string, string][]> = {
  contact: [
    ['name', 'Name', 'string'],
    ['email', 'Email', 'string'],
    ['phone', 'Phone', 'string'],
    ['external_id', 'User ID', 'string'],
    ['role', 'Role', 'string'],
    ['owner_id', 'Owner', 'integer'],
    ['created_at', 'Signed up', 'date'],
    ['updated_at', 'Last updated', 'date'],
    ['last_seen_at', 'Last seen', 'date'],
    ['unsubscribed_from_emails', 'Unsubscribed from emails', 'boolean'],
  ],
  company: [
    ['name', 'Company name', 'string'],
    ['company_id', 'Company ID', 'string'],
    ['plan.name', 'Plan', 'string'],
    ['monthly_spend', 'Monthly Spend', 'float'],
    ['user_count', 'User count', 'integer'],
    ['size', 'Company size', 'integer'],
    ['website', 'Company website', 'string'],
    ['industry', 'Company industry', 'string'],
    ['remote_created_at', 'Company created at', 'date'],
  ],
};

export class DataAttributes {
  constructor(private readonly ws: WorkspaceCore) {
    for (const model of ['contact', 'company'] as const) {
      for (const [name, label, data_type] of BUILT_INS[model]) {
        // Built-ins carry no id, as in Intercom's list
        ws.attributes.push({
          type: 'data_attribute', model, name, full_name: name, label, description: '', data_type,
          api_writable: name !== 'user_count', ui_writable: true, messenger_writable: false, custom: false, archived: false,
        });
      }
    }
  }

  listDataAttributes(model: string | undefined, includeArchived: boolean) {
    if (model !== undefined && model !== 'contact' && model !== 'company' && model !== 'conversation') {
      throw badParam('The Data Attribute model field must be either contact or company', 'model');
    }
    const data = this.ws.attributes.filter((a) => (model === undefined || a.model === model) && (includeArchived || !a.archived)).map((a) => structuredClone(a));
    return { type: 'list' as const, data };
  }

  createDataAttribute(input: unknown): DataAttribute {
    const b = body(input);
    const name = b.name;
    if (typeof name !== 'string' || name.trim() === '') throw missingParam('Name is a required parameter.', 'name');
    const model = b.model;
    if (model !== 'contact' && model !== 'company') throw badParam('The Data Attribute model field must be either contact or company', 'model');
    const dataType = b.data_type;
    if (typeof dataType !== 'string' || !DATA_TYPES.has(dataType)) throw badParam("Data Type isn't an option", 'data_type');
    if (!ATTRIBUTE_NAME.test(name)) throw badParam('Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens', 'name');
    const description = b.description === undefined ? '' : b.description;
    if (typeof description !== 'string') throw badParam('description must be a string', 'description');
    const options = this.parseOptions(b.options, dataType);
    // Names collide case-insensitively and across models (S14 wording, both directions)
    const lower = name.toLowerCase();
    const clash = this.ws.attributes.find((a) => a.name.toLowerCase() === lower && (a.model === model || a.custom));
    if (clash) {
      throw badParam(`You already have '${name}' in your ${MODEL_WORD[clash.model]} data. To save this as new ${MODEL_WORD[model]} data, use a different name.`, 'name');
    }
    const baseType = dataType === 'options' ? 'string' : dataType;
    return structuredClone(this.defineAttribute(model, name, baseType, { description, options, messenger_writable: b.messenger_writable === true }));
  }

  updateDataAttribute(id: string, input: unknown): DataAttribute {
    const attr = this.ws.attributes.find((a) => a.id !== undefined && String(a.id) === id);
    if (!attr) throw new ApiError(404, 'field_not_found', "We couldn't find that data attribute to update");
    const b = body(input);
    // a list attribute may be named by the type it was created with
    const sameType = b.data_type === attr.data_type || (b.data_type === 'options' && attr.options !== undefined);
    if (has(b, 'data_type') && !sameType) throw badParam("The data type of an attribute can't be changed", 'data_type');
    if (has(b, 'archived')) {
      if (typeof b.archived !== 'boolean') throw badParam('archived must be a boolean', 'archived');
      attr.archived = b.archived;
    }
    if (has(b, 'description')) {
      if (typeof b.description !== 'string') throw badParam('description must be a string', 'description');
      attr.description = b.description;
    }
    if (has(b, 'options')) attr.options = this.parseOptions(b.options, attr.options ? 'options' : attr.data_type);
    if (has(b, 'messenger_writable')) attr.messenger_writable = b.messenger_writable === true;
    attr.updated_at = this.ws.nowSec();
    this.ws.changed();
    return structuredClone(attr);
  }

  /** The request's options (S14: `[{ value }]`; S11 and older clients: strings) as the answer gives them: strings. */
  private parseOptions(raw: unknown, dataType: string): string[] | undefined {
    if (raw === undefined || raw === null) {
      if (dataType === 'options') throw badParam('An options attribute needs at least 2 options', 'options');
      return undefined;
    }
    if (!Array.isArray(raw)) throw badParam("Options isn't an array", 'options');
    // S11 spells a list attribute as string + options; 2.14 as data_type options
    if (dataType !== 'options' && dataType !== 'string') throw badParam(`Options are not allowed for data type ${dataType}`, 'options');
    const values = raw.map((o) => (isObject(o) && typeof o.value === 'string' ? o.value : typeof o === 'string' ? o : null));
    if (values.some((v) => v === null || v === '')) throw badParam('Each option must be {"value": "<text>"}', 'options');
    if (values.length < 2) throw badParam('An options attribute needs at least 2 options', 'options');
    return values.map((value) => value!);
  }

  /** Adds a custom attribute without API validation (seeds, remote edits). */
  defineAttribute(model: Model, name: string, dataType: string, extra: { description?: string; options?: string[]; messenger_writable?: boolean } = {}): DataAttribute {
    const existing = this.customAttribute(model, name);
    if (existing) return existing;
    const at = this.ws.nowSec();
    const attr: DataAttribute = {
      type: 'data_attribute', id: this.ws.ids.next(), model, name, full_name: `custom_attributes.${name}`, label: name,
      description: extra.description ?? '', data_type: dataType, api_writable: true, ui_writable: false,
      messenger_writable: extra.messenger_writable ?? false, custom: true, archived: false, admin_id: this.ws.admin.id, created_at: at, updated_at: at,
    };
    if (extra.options) attr.options = extra.options;
    this.ws.attributes.push(attr);
    this.ws.changed();
    return attr;
  }

  customAttribute(model: Model, name: string): DataAttribute | undefined {
    return this.ws.attributes.find((a) => a.custom && a.model === model && a.name === name);
  }

  customKind(model: Model, name: string): FieldKind | undefined {
    const a = this.customAttribute(model, name);
    if (!a) return undefined;
    switch (a.data_type) {
      case 'integer':
      case 'float':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'date':
      case 'datetime':
        return 'date';
      default:
        return 'string';
    }
  }

  /** Checks custom_attributes against the model's attributes; returns the merged values. */
  mergeCustom(model: Model, raw: unknown, current: Readonly<Record<string, Scalar | null>>, autoCreate = false): Record<string, Scalar | null> {
    if (!isObject(raw)) throw badParam('custom_attributes must be an object', 'custom_attributes');
    const out: Record<string, Scalar | null> = { ...current };
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const field = `custom_attributes.${name}`;
      if (value === null || typeof value === 'object') throw badParam('Value: not of type Numeric, String or Boolean', field);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw badParam('Value: not of type Numeric, String or Boolean', field);
      let attr = this.customAttribute(model, name);
      if (!attr && autoCreate) {
        // Someone in Intercom's UI can create an attribute while typing its first value
        attr = this.defineAttribute(model, name, typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'float') : 'string');
      }
      if (!attr) {
        const word = model === 'contact' ? 'Custom attribute' : 'Company custom attribute';
        throw badParam(`${word} '${name}' does not exist`, field);
      }
      out[name] = this.coerceValue(attr, name, value);
    }
    return out;
  }

  private coerceValue(attr: DataAttribute, name: string, value: Scalar): Scalar | null {
    const field = `custom_attributes.${name}`;
    const wrong = () => badParam(`Custom attribute '${name}' expects a value of type ${attr.data_type}`, field);
    // "" is how clients clear a value (null is rejected); for a non-text attribute it empties it
    if (value === '') return attr.data_type === 'string' ? '' : null;
    switch (attr.data_type) {
      case 'string':
        if (typeof value !== 'string') throw wrong();
        // A list attribute rejects values outside its options (PR #457 behaviour; stricter catches more)
        if (attr.options && !attr.options.includes(value)) throw badParam(`'${value}' is not one of the options of '${name}'`, field);
        return value;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong();
        return value;
      case 'float':
        if (typeof value !== 'number') throw wrong();
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw wrong();
        return value;
      default: {
        // date / datetime: Unix seconds, or an ISO date that Intercom converts
        if (typeof value === 'number' && Number.isInteger(value)) return value;
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return Math.floor(Date.parse(value) / 1000);
        throw wrong();
      }
    }
  }
}

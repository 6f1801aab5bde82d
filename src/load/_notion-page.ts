import { isPlainObject } from './_field-objects.js';

/** A property's name, as a database's columns are named, to the summary field it gives. */
const FIELD_OF: Record<string, string> = {
  title: 'title',
  summary: 'summary',
  takeaway: 'takeaway',
  keytakeaway: 'takeaway',
  insights: 'insights',
  keyinsights: 'insights',
  principles: 'principles',
  practice: 'practice',
  inpractice: 'practice',
  topics: 'topics',
  tags: 'topics',
  keywords: 'topics',
  roles: 'roles',
  bestfor: 'roles',
  audience: 'roles',
  source: 'source',
  publication: 'source',
  attribution: 'attribution',
  url: 'url',
  link: 'url',
  articleurl: 'url',
  date: 'date',
  status: 'status',
};

/**
 * What a Notion page object holds beside its properties. Its `url` is the page's own address in
 * Notion, not the article's: read as the link, readers would be sent into the editors' workspace.
 */
const PAGE_KEYS = [
  'object',
  'id',
  'created_time',
  'last_edited_time',
  'created_by',
  'last_edited_by',
  'cover',
  'icon',
  'parent',
  'archived',
  'in_trash',
  'url',
  'public_url',
  'request_id',
  'properties',
];

export interface PageFields {
  raw: Record<string, unknown>;
  /** The JSON path each field was read from, for pointing at its line. */
  from: Record<string, (string | number)[]>;
}

/**
 * A Notion page as its API and exports write it (`{"properties": {"Title": {"type": "title",
 * "title": [{"plain_text": "…"}]}, "Roles": {"multi_select": [{"name": "CTO"}]}, …}}`): each
 * property as the field its name (or, for the title, its type) says, holding the property's value
 * (a rich-text or multi-select list is read by `readFieldObjects`). Undefined for any other object.
 * A property naming no field keeps its name, so the unknown-field warning names it.
 */
export function notionPageFields(raw: Record<string, unknown>): PageFields | undefined {
  const properties = raw.properties;
  if (!isPlainObject(properties) || raw.title !== undefined || raw.summary !== undefined) return undefined;
  const fields: Record<string, unknown> = Object.create(null);
  const from: Record<string, (string | number)[]> = Object.create(null);
  for (const [name, property] of Object.entries(properties)) {
    const typed = isPlainObject(property) && typeof property.type === 'string' ? property.type : undefined;
    const value =
      typed !== undefined && Object.hasOwn(property as object, typed) ? (property as never)[typed] : property;
    // An empty property (no link, no text) is a field not given, as in the editor's table.
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const meant = typed === 'title' ? 'title' : FIELD_OF[name.toLowerCase().replace(/[\s_-]/g, '')];
    const field = meant !== undefined && !Object.hasOwn(fields, meant) ? meant : name;
    // A date property is a range: the day the summary was written is its start.
    fields[field] =
      typed === 'date' && isPlainObject(value) && typeof value.start === 'string' ? day(value.start) : value;
    from[field] = typed === undefined ? ['properties', name] : ['properties', name, typed];
  }
  const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !PAGE_KEYS.includes(key)));
  return { raw: { ...rest, ...fields }, from };
}

/** "2026-11-20T09:12:00.000+01:00" as the day it names, as written. */
function day(start: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(start) ? start.slice(0, 10) : start;
}

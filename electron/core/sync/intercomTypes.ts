// The Intercom wire shapes the sync engine reads and writes (API 2.14, see shared/intercom/API-NOTES.md).
// Only the fields we use are typed; Intercom sends more.

export type Timestamp = number; // Unix seconds
export type AttributeValue = string | number | boolean;

export interface IntercomAdmin {
  type: 'admin';
  id: string;
  email: string;
  name?: string;
  app: { id_code: string; name: string; region: string; timezone: string };
}

/** GET /admins: the workspace's team. */
export interface AdminList {
  type: 'admin.list';
  admins: { type: 'admin'; id: string | number; name?: string | null; email?: string | null }[];
}

export interface Pages {
  type?: 'pages';
  page?: number;
  per_page?: number;
  total_pages?: number;
  next?: { page?: number; starting_after?: string | null } | string | null;
}

export interface IntercomContact {
  type: 'contact';
  id: string;
  external_id: string | null;
  role: 'user' | 'lead';
  email: string | null;
  phone: string | null;
  name: string | null;
  owner_id: number | null;
  /** Absent in answers that leave it out (the sandbox before 2.14, some lists): not unsubscribed. */
  unsubscribed_from_emails?: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  custom_attributes: Record<string, AttributeValue | null>;
  /** The contact's companies (Intercom ids); `has_more` when the list is cut short. */
  companies?: { type?: 'list'; data?: Array<{ type?: 'company'; id: string; url?: string }>; url?: string; total_count?: number; has_more?: boolean } | null;
  /** Up to 10 of the contact's notes and how many it has (the pull reads them when it holds fewer). */
  notes?: { type?: 'list'; data?: Array<{ type?: string; id: string; url?: string }>; url?: string; total_count?: number; has_more?: boolean } | null;
  /** The contact's tags as references (ids only, at most 10); `has_more`: the rest at GET /contacts/{id}/tags. */
  tags?: { type?: 'list'; data?: Array<{ type?: 'tag'; id: string; url?: string }>; url?: string; total_count?: number; has_more?: boolean } | null;
}

/** POST /contacts and PUT /contacts/{id}; create needs one of role, email or external_id. */
export interface ContactWrite {
  role?: 'user' | 'lead';
  external_id?: string;
  email?: string;
  phone?: string | null;
  name?: string | null;
  avatar?: string | null;
  signed_up_at?: Timestamp | null;
  last_seen_at?: Timestamp | null;
  owner_id?: number | null;
  unsubscribed_from_emails?: boolean;
  /** Scalars only; send "" rather than null (Intercom rejects null on leads). */
  custom_attributes?: Record<string, AttributeValue>;
}

export interface ContactList {
  type: 'list';
  data: IntercomContact[];
  total_count: number;
  pages?: Pages;
}

export type SearchFilter =
  | { field: string; operator: string; value: AttributeValue | AttributeValue[] | null }
  | { operator: 'AND' | 'OR'; value: SearchFilter[] };

export interface ContactSearch {
  query: SearchFilter;
  /** The cursor goes here, in the body: as a query parameter Intercom silently returns page 1. */
  pagination?: { per_page?: number; starting_after?: string | null };
  sort?: { field: string; order: 'ascending' | 'descending' };
}

export interface ArchivedContact {
  type: 'contact';
  id: string;
  external_id: string | null;
  archived: true;
}

export interface UnarchivedContact {
  type: 'contact';
  id: string;
  external_id: string | null;
  archived: false;
}

export interface DeletedContact {
  type: 'contact';
  id: string;
  external_id: string | null;
  deleted: true;
}

export interface DeletedCompany {
  id: string;
  object: 'company';
  deleted: true;
}

export type DataAttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'date' | 'options';

export interface DataAttribute {
  type: 'data_attribute';
  id?: number;
  name: string;
  full_name: string;
  model: 'contact' | 'company';
  /** The base type; a list attribute is a `string` with options (S14 data_attribute; only a create says `options`). */
  data_type: string;
  options?: string[] | null;
  archived: boolean;
  custom?: boolean;
  api_writable?: boolean;
}

export interface DataAttributeList {
  type: 'list';
  data: DataAttribute[];
}

export interface DataAttributeCreate {
  name: string;
  model: 'contact' | 'company';
  data_type: DataAttributeType;
  description?: string;
  /** For data_type 'options': at least two. */
  options?: { value: string }[];
  messenger_writable?: boolean;
}

export interface IntercomCompany {
  type: 'company';
  id: string;
  company_id: string;
  name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  user_count: number;
  plan?: { id?: string; name?: string } | null;
  website?: string | null;
  industry?: string | null;
  size?: number | null;
  monthly_spend?: number | null;
  custom_attributes: Record<string, AttributeValue | null>;
  /** The company's tags, each with its name. */
  tags?: { type?: 'tag.list'; tags?: IntercomTag[] } | null;
}

/** A tag as Intercom lists it (GET /tags, a contact's tags, a company's). */
export interface IntercomTag {
  type?: 'tag';
  id: string;
  name: string;
}

/** POST /companies creates or updates by company_id, which can never change afterwards. */
export interface CompanyWrite {
  company_id: string;
  name?: string;
  plan?: string;
  size?: number;
  website?: string;
  industry?: string;
  remote_created_at?: Timestamp;
  monthly_spend?: number;
  custom_attributes?: Record<string, AttributeValue>;
}

export interface CompanyList {
  type: 'list';
  data: IntercomCompany[];
  total_count?: number;
  pages?: Pages;
}

/** GET /companies/scroll: ends with an empty `data`. */
export interface CompanyScroll {
  type: 'list';
  data: IntercomCompany[];
  scroll_param?: string | null;
  total_count?: number | null;
  pages?: Pages | null;
}

export interface EventCreate {
  event_name: string;
  created_at: Timestamp;
  /** One of user_id (external id), id (Intercom id; required for leads) or email. */
  user_id?: string;
  id?: string;
  email?: string;
  /** At most 10 keys kept, no nesting. */
  metadata?: Record<string, AttributeValue>;
}

/** One event of GET /events (type=user): the contact's last 90 days, newest first. */
export interface IntercomEvent {
  type?: string; // 'event'
  event_name: string;
  created_at: Timestamp;
  user_id?: string | null;
  intercom_user_id?: string | null;
  email?: string | null;
  /** Flat values, plus rich links ({url, value}) and money ({amount, currency}). */
  metadata?: Record<string, unknown> | null;
}

/** GET /events: `pages.next` is a whole URL (same path, a `before` cursor) or absent at the end. */
export interface EventList {
  type: 'event.list';
  events: IntercomEvent[];
  pages?: { next?: string | null; since?: string | null } | null;
}

export interface MessageCreate {
  message_type: 'inapp' | 'email';
  subject?: string;
  body: string;
  template?: 'plain' | 'personal';
  // the schema says integer; /me gives the admin id as a string of digits
  from: { type: 'admin'; id: number | string };
  to: { type: 'user' | 'lead'; id: string };
  create_conversation_without_contact_reply?: boolean;
}

export interface AdminMessage {
  type: string; // 'admin_message'
  id: string;
  message_type: string;
  subject?: string | null;
  body?: string | null;
  created_at?: Timestamp;
  owner?: { type: string; id: string } | null;
}

/** POST /contacts/{id}/notes: the body is the note's text (Intercom keeps it as HTML); admin_id its author. */
export interface NoteCreate {
  body: string;
  admin_id?: string;
}

/** A note as Intercom answers it: the body as HTML, the author an admin (optional in the spec). */
export interface IntercomNote {
  type: 'note';
  id: string;
  created_at: Timestamp;
  contact?: { type?: string; id?: string } | null;
  author?: { type?: string; id?: string; name?: string | null; email?: string | null } | null;
  body: string;
}

/** GET /contacts/{id}/notes: newest first, in numbered pages (`page`, `per_page`). */
export interface NoteList {
  type: 'list';
  data: IntercomNote[];
  total_count?: number;
  pages?: Pages | null;
}

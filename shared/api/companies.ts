// The contract's part for companies: create, read, list, edit, stage changes, and linking users to
// them.
import { z } from 'zod';
import { Company, CompanyListItem, CompanyStage, ContactRef, CustomAttributes, ExternalRef, LocalId, Name, StageChange, SyncState, text } from '../domain';
import { Page, SearchText, SortDir } from './listing';
import type { MethodGroup } from './MethodGroup';

export const COMPANY_SORT_FIELDS = ['name', 'externalId', 'plan', 'monthlySpend', 'stage', 'userCount', 'createdAt', 'updatedAt'] as const;

const CompanyFields = {
  externalId: ExternalRef.nullable().optional(),
  name: Name,
  plan: text(100).nullable().optional(),
  monthlySpend: z.number().finite().min(0).max(1e12).nullable().optional(),
  customAttributes: CustomAttributes.optional(),
};

export const CompanyDetail = Company.extend({
  users: z.array(ContactRef),
  history: z.array(StageChange),
});

export const companyMethods = {
  'companies.create': {
    input: z.object({ ...CompanyFields, stage: CompanyStage.nullable().default(null) }).strict(),
    output: Company,
  },
  'companies.get': {
    input: z.object({ id: LocalId }).strict(),
    output: CompanyDetail,
  },
  'companies.list': {
    input: z
      .object({
        search: SearchText,
        filter: z
          .object({
            stage: z.array(z.union([CompanyStage, z.literal('none')])).max(10).optional(),
            syncState: z.array(SyncState).max(10).optional(),
          })
          .strict()
          .default({}),
        sort: z
          .object({ field: z.enum(COMPANY_SORT_FIELDS), dir: SortDir })
          .strict()
          .default({ field: 'name', dir: 'asc' }),
        ...Page,
      })
      .strict()
      .default({ filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 50 }),
    output: z.object({ items: z.array(CompanyListItem), total: z.number().int() }),
  },
  'companies.update': {
    input: z
      .object({
        id: LocalId,
        patch: z.object({ ...CompanyFields, name: Name.optional() }).strict(),
      })
      .strict(),
    output: Company,
  },
  'companies.setStage': {
    input: z.object({ id: LocalId, stage: CompanyStage, confirm: z.boolean().optional() }).strict(),
    output: Company,
  },
  'companies.link': {
    input: z.object({ contactId: LocalId, companyId: LocalId }).strict(),
    output: z.object({ contactId: z.string(), companyId: z.string(), changed: z.boolean() }),
  },
  'companies.unlink': {
    input: z.object({ contactId: LocalId, companyId: LocalId }).strict(),
    output: z.object({ contactId: z.string(), companyId: z.string(), changed: z.boolean() }),
  },
} as const satisfies MethodGroup;

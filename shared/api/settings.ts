// The contract's part for settings: the Intercom connection and the stage attributes and values.
import { z } from 'zod';
import { AdminId, Region, StageValues, text } from '../domain';
import { Me } from './admins';
import type { MethodGroup } from './MethodGroup';

export const settingsMethods = {
  'settings.get': {
    input: z.object({}).strict().default({}),
    output: z.object({
      intercom: z.object({
        region: Region,
        /** Overrides the region's host (sandbox, proxies, tests). */
        baseUrl: z.string().nullable(),
        /** Where the base URL comes from: this screen, the start option, the environment, or the built-in sandbox. */
        baseUrlSource: z.enum(['settings', 'start-option', 'environment', 'sandbox']).nullable(),
        /** The token itself never leaves the main process; the screen only learns whether one is set. */
        tokenSet: z.boolean(),
        /** os-keychain: encrypted with the OS key store; file: a file only this OS user can read. */
        tokenStorage: z.enum(['os-keychain', 'file', 'memory']),
        tokenFile: z.string().nullable(),
        /** The workspace and admin of the last successful connection test. */
        workspace: z.object({ name: z.string(), idCode: z.string(), region: z.string().nullable() }).nullable(),
        admin: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
      }),
      /** The contact attribute that carries a lead's or user's stage. */
      stageAttribute: z.string(),
      /** The company attribute that carries a company's stage (its own name: Intercom keeps names unique across people and companies). */
      companyStageAttribute: z.string(),
      stageValues: StageValues,
      /** The name the person gave in Settings, or null: then changes carry `actor`'s default. */
      yourName: z.string().nullable(),
      /** Who changes are recorded under now: their name, else who they are (`me`), else the connected Intercom admin's. */
      actor: z.string(),
      /** The admin chosen as "me" in Settings, or null: the connected admin. */
      meAdminId: z.string().nullable(),
      /** Who I am now ("My leads", the owner filter's "me"). */
      me: Me.nullable(),
    }),
  },
  'settings.set': {
    input: z
      .object({
        /** Write-only; null forgets the stored token. */
        token: z.string().trim().min(1, { message: 'must not be empty' }).max(1000, { message: 'must be at most 1000 characters' }).nullable().optional(),
        region: Region.optional(),
        baseUrl: z
          .string()
          .trim()
          .max(500)
          .regex(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// address' })
          .nullable()
          .optional(),
        /** The person's name for the history and messages; null or blank: the connected admin's. */
        yourName: text(120).nullable().optional(),
        /** Who I am, among the team (`admins.list`); null: the connected admin. Your name follows it unless given too. */
        meAdminId: AdminId.nullable().optional(),
        stageAttribute: text(190).pipe(z.string().min(1, { message: 'must not be empty' })).optional(),
        companyStageAttribute: text(190).pipe(z.string().min(1, { message: 'must not be empty' })).optional(),
        stageValues: z
          .object({
            lead: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            signed_up: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            sql: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            customer: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
          })
          .partial()
          .strict()
          .optional(),
      })
      .strict(),
    output: z.object({ changed: z.array(z.string()) }),
  },
} as const satisfies MethodGroup;

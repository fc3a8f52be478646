// The contract's part for the CSV import: upload, analysis, preview, the run (pause, resume,
// rollback) and its report.
import { z } from 'zod';
import { text } from '../domain';
import { DuplicateMode, IMPORT_ACTIONS, ImportJob, ImportKind, ImportMapping, ImportProblem, ImportReportLine } from '../activity';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const importMethods = {
  /** Starts an upload; the file then arrives in chunks (`import.chunk`). */
  'import.open': {
    input: z
      .object({
        fileName: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
        size: z.number().int().min(1, { message: 'the file is empty' }).max(1024 * 1024 * 1024, { message: 'files up to 1 GB can be imported' }),
      })
      .strict(),
    output: ImportJob,
  },
  /** One piece of the file, base64, at its byte offset; the last piece triggers the analysis. */
  'import.chunk': {
    input: z
      .object({
        importId: z.string().max(100),
        offset: z.number().int().min(0),
        data: z.string().max(1_000_000, { message: 'chunks must be at most 1,000,000 characters' }),
      })
      .strict(),
    output: ImportJob,
  },
  /** The file's columns, first rows and a guessed kind and mapping. */
  'import.analyse': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind.optional() }).strict(),
    output: z.object({
      job: ImportJob,
      columns: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      guessedKind: ImportKind,
      mapping: ImportMapping,
    }),
  },
  /** Checks every row with this mapping and writes nothing: problems, duplicates, what would happen. */
  'import.preview': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind, mapping: ImportMapping, duplicates: DuplicateMode }).strict(),
    output: z.object({
      rows: z.number().int(),
      valid: z.number().int(),
      invalid: z.number().int(),
      willCreate: z.number().int(),
      willUpdate: z.number().int(),
      willSkip: z.number().int(),
      duplicatesInFile: z.number().int(),
      duplicatesInStore: z.number().int(),
      /** The first problems, row by row (all of them are in the report after the run). */
      problems: z.array(ImportProblem),
      /** The first rows as they would be written. */
      mapped: z.array(z.record(z.string(), z.unknown())),
    }),
  },
  /** Runs the import in the background; progress arrives as `import` events. */
  'import.start': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind, mapping: ImportMapping, duplicates: DuplicateMode }).strict(),
    output: ImportJob,
  },
  'import.pause': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  'import.resume': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  /**
   * Undoes what the import wrote, as one change, at any time (a running import is paused first):
   * what never reached Intercom is withdrawn; contacts it created that Intercom has are archived
   * there; fields, stages and links it changed are put back (in Intercom too, by compensating
   * changes) unless changed since, then kept and listed in `rollbackResult`. Events Intercom has
   * stay there. Without `confirm`: CONFIRM_REQUIRED, saying all this in words. An upload that never
   * started (finished or not) is discarded: its file is removed.
   */
  'import.rollback': { input: z.object({ importId: z.string().max(100), confirm: z.boolean().optional() }).strict(), output: ImportJob },
  /**
   * The rows that failed, as they were in the file, with a "Reason" column last: a CSV to fix and
   * import again. Written like an export (browser mode offers it at `downloadUrl`).
   */
  'import.failedRows': {
    input: z.object({ importId: z.string().max(100) }).strict(),
    output: z.object({ fileName: z.string(), path: z.string(), rows: z.number().int(), downloadUrl: z.string().nullable() }),
  },
  'import.status': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  'import.list': {
    input: z.object({ ...Page }).strict().default({ limit: 50 }),
    output: z.object({ items: z.array(ImportJob), total: z.number().int() }),
  },
  /** What each row became, and why for skipped and failed ones. */
  'import.report': {
    input: z
      .object({ importId: z.string().max(100), action: z.array(z.enum(IMPORT_ACTIONS)).max(4).optional(), ...Page })
      .strict(),
    output: z.object({
      job: ImportJob,
      items: z.array(ImportReportLine),
      total: z.number().int(),
      /** Skipped and failed rows counted by reason. */
      reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    }),
  },
} as const satisfies MethodGroup;

// The import wizard's state and steps. It lives in a store, not in the screen, so an upload or a
// run goes on while the user works elsewhere, and coming back to Import shows it where it was.
// The engine is the truth: every step's data comes from its answers and its `import` events.
import { create } from 'zustand';
import type { MethodOutput } from '../../../shared/api';
import type { DuplicateMode, ImportJob, ImportKind, ImportMapping } from '../../../shared/activity';
import { ApiError, type Client } from '../../../shared/client';
import { describeError } from '../state/toastStore';
import { hasAcceptedExtension, ACCEPTED_EXTENSIONS } from './importWords';
import { uploadFile } from './uploadFile';

export type WizardStep = 'choose' | 'uploading' | 'mapping' | 'preview' | 'progress' | 'report';

export type Preview = MethodOutput<'import.preview'>;

export interface WizardError {
  message: string;
  /** The input field at fault (`mapping.Email`, `size` …), when the engine named one. */
  field?: string;
}

export interface Analysis {
  columns: string[];
  sample: string[][];
  guessedKind: ImportKind;
}

interface WizardState {
  step: WizardStep;
  job: ImportJob | null;
  /** The file being uploaded: name and size, and how many bytes the engine has. */
  file: { name: string; size: number } | null;
  sentBytes: number;
  analysis: Analysis | null;
  kind: ImportKind;
  mapping: ImportMapping;
  duplicates: DuplicateMode;
  preview: Preview | null;
  error: WizardError | null;
  /** A call is on its way; buttons that would start another wait. */
  busy: boolean;
}

const initial: WizardState = {
  step: 'choose',
  job: null,
  file: null,
  sentBytes: 0,
  analysis: null,
  kind: 'contacts',
  mapping: {},
  duplicates: 'skip',
  preview: null,
  error: null,
  busy: false,
};

export const useImportWizard = create<WizardState>()(() => ({ ...initial }));

const set = (patch: Partial<WizardState>) => useImportWizard.setState(patch);
const get = () => useImportWizard.getState();

/** Bumped whenever the wizard starts over, so answers for an abandoned file are dropped. */
let session = 0;

function toError(e: unknown): WizardError {
  if (e instanceof ApiError) return { message: describeError(e), field: e.field };
  return { message: describeError(e) };
}

/** The step a job's state puts the wizard on, once the job has gone past mapping. */
function stepForState(state: ImportJob['state']): WizardStep | null {
  if (state === 'running' || state === 'interrupted') return 'progress';
  if (state === 'done' || state === 'rolled_back') return 'report';
  return null;
}

/**
 * Whether a new file may replace the wizard's: only before anything was mapped, after a file that
 * could not be read, or after a report.
 */
export function takesNewFile(s: Pick<WizardState, 'step' | 'error'> = get()): boolean {
  return s.step === 'choose' || s.step === 'report' || (s.step === 'uploading' && s.error !== null);
}

/** Back to the first step (a new file); an upload on its way stops after its current piece. */
export function resetWizard(): void {
  session++;
  useImportWizard.setState({ ...initial });
}

/**
 * Uploads a chosen or dropped file, then asks for its analysis (columns, samples, guesses). A file
 * that is plainly not importable (its type, or empty) starts the wizard over with the reason.
 */
export async function chooseFile(client: Client, file: File): Promise<void> {
  if (!hasAcceptedExtension(file.name)) {
    resetWizard();
    set({ error: { message: `“${file.name}” is not a file that can be imported: choose a ${ACCEPTED_EXTENSIONS.join(', ')} file.` } });
    return;
  }
  if (file.size === 0) {
    resetWizard();
    set({ error: { message: `“${file.name}” is empty: there is nothing to import.` } });
    return;
  }
  const mine = ++session;
  useImportWizard.setState({ ...initial, step: 'uploading', file: { name: file.name, size: file.size }, busy: true });
  try {
    const job = await uploadFile(client, file, {
      onOpened: (j) => mine === session && set({ job: j }),
      onProgress: (sent, j) => mine === session && set({ sentBytes: sent, job: j }),
      cancelled: () => mine !== session,
    });
    if (!job || mine !== session) return;
    if (job.state === 'failed') {
      set({ job, busy: false, error: { message: job.error ?? 'The file could not be read.' } });
      return;
    }
    const analysis = await client.call('import.analyse', { importId: job.id });
    if (mine !== session) return;
    set({
      step: 'mapping',
      busy: false,
      job: analysis.job,
      analysis: { columns: analysis.columns, sample: analysis.sample, guessedKind: analysis.guessedKind },
      kind: analysis.guessedKind,
      mapping: analysis.mapping,
    });
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

/**
 * A file uploaded by the desktop app (one it was started with, or a second start's): on to its
 * mapping, as a chosen file goes once uploaded.
 */
export async function openUpload(client: Client, importId: string, fileName: string): Promise<void> {
  const mine = ++session;
  useImportWizard.setState({ ...initial, step: 'uploading', file: { name: fileName, size: 0 }, busy: true });
  try {
    const analysis = await client.call('import.analyse', { importId });
    if (mine !== session) return;
    set({
      step: 'mapping',
      busy: false,
      job: analysis.job,
      analysis: { columns: analysis.columns, sample: analysis.sample, guessedKind: analysis.guessedKind },
      kind: analysis.guessedKind,
      mapping: analysis.mapping,
    });
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

/** Another kind: the engine guesses that kind's mapping afresh (the old one may not fit it). */
export async function changeKind(client: Client, kind: ImportKind): Promise<void> {
  const { job } = get();
  if (!job) return;
  const mine = session;
  set({ kind, busy: true, error: null, preview: null });
  try {
    const analysis = await client.call('import.analyse', { importId: job.id, kind });
    if (mine !== session || get().kind !== kind) return;
    set({ busy: false, job: analysis.job, mapping: analysis.mapping, analysis: { columns: analysis.columns, sample: analysis.sample, guessedKind: analysis.guessedKind } });
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

export function setTarget(column: string, target: string): void {
  set({ mapping: { ...get().mapping, [column]: target }, preview: null, error: null });
}

export function setDuplicates(duplicates: DuplicateMode): void {
  set({ duplicates, preview: null });
}

export function backToMapping(): void {
  set({ step: 'mapping', error: null });
}

/** Checks every row with the chosen mapping (nothing is written) and shows the outcome. */
export async function runPreview(client: Client): Promise<void> {
  const { job, kind, mapping, duplicates } = get();
  if (!job) return;
  const mine = session;
  set({ busy: true, error: null });
  try {
    const preview = await client.call('import.preview', { importId: job.id, kind, mapping, duplicates });
    if (mine !== session) return;
    set({ busy: false, preview, step: 'preview' });
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

/** Starts the run; from here the `import` events carry it. */
export async function startImport(client: Client): Promise<void> {
  const { job, kind, mapping, duplicates } = get();
  if (!job) return;
  const mine = session;
  set({ busy: true, error: null });
  try {
    const started = await client.call('import.start', { importId: job.id, kind, mapping, duplicates });
    if (mine !== session) return;
    set({ busy: false });
    applyJob(started, true);
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

/**
 * Shows a job in the wizard (from the recent list): its progress or report, or its mapping when
 * it was read but never started.
 */
export async function openJob(client: Client, job: ImportJob): Promise<void> {
  const mine = ++session;
  const step = stepForState(job.state);
  if (step) {
    useImportWizard.setState({ ...initial, job, kind: job.kind ?? 'contacts', duplicates: job.duplicates ?? 'skip', file: { name: job.fileName, size: 0 }, step });
    return;
  }
  if (job.state !== 'ready') return;
  useImportWizard.setState({ ...initial, job, file: { name: job.fileName, size: 0 }, step: 'uploading', busy: true });
  try {
    const analysis = await client.call('import.analyse', job.kind ? { importId: job.id, kind: job.kind } : { importId: job.id });
    if (mine !== session) return;
    set({
      step: 'mapping',
      busy: false,
      job: analysis.job,
      analysis: { columns: analysis.columns, sample: analysis.sample, guessedKind: analysis.guessedKind },
      kind: job.kind ?? analysis.guessedKind,
      mapping: analysis.mapping,
      duplicates: job.duplicates ?? 'skip',
    });
  } catch (e) {
    if (mine === session) set({ busy: false, error: toError(e) });
  }
}

const FINISHED: ReadonlySet<ImportJob['state']> = new Set(['done', 'rolled_back', 'failed']);

/**
 * Whether `next` is an older picture of the job than `current`. Events (server-sent) and answers
 * (HTTP or IPC) travel separately, so `import.start`'s answer can arrive after the event that
 * says the run is done; such a stale picture must not take the wizard back to a running import.
 */
export function isOlder(current: ImportJob, next: ImportJob, fromAnswer: boolean): boolean {
  if (current.state === next.state) return next.rowsDone < current.rowsDone;
  // a finished run only moves on to its roll-back
  if (FINISHED.has(current.state)) return !(current.state === 'done' && next.state === 'rolled_back');
  // running again after a pause: the resume's own answer says so, or progress past the pause
  if (current.state === 'interrupted' && next.state === 'running') return !fromAnswer && next.rowsDone <= current.rowsDone;
  return false;
}

/**
 * A newer state of a job (an `import` event, or an answer). Only the wizard's own job moves the
 * wizard; `fromAnswer` marks an answer to the wizard's own call, which may move it to the step
 * that answer belongs to even before any event.
 */
export function applyJob(job: ImportJob, fromAnswer = false): void {
  const current = get();
  if (!current.job || current.job.id !== job.id) return;
  if (isOlder(current.job, job, fromAnswer)) return;
  const force = fromAnswer;
  const step = stepForState(job.state);
  if (step && (current.step === 'progress' || current.step === 'report' || current.step === 'preview' || force)) set({ job, step });
  else set({ job });
}

/** Asks the engine for the job's state again (after coming back to the screen). */
export async function refreshJob(client: Client): Promise<void> {
  const { job } = get();
  if (!job || job.state === 'uploading') return;
  try {
    applyJob(await client.call('import.status', { importId: job.id }));
  } catch {
    // the recent list says what the engine knows; the wizard keeps its last view
  }
}

export function pauseImport(client: Client, importId: string): Promise<ImportJob> {
  return runJobAction(() => client.call('import.pause', { importId }));
}

export function resumeImport(client: Client, importId: string): Promise<ImportJob> {
  return runJobAction(() => client.call('import.resume', { importId }));
}

/** Rolls an import back; the caller has asked the user first (the engine needs `confirm`). */
export function rollBackImport(client: Client, importId: string): Promise<ImportJob> {
  return runJobAction(() => client.call('import.rollback', { importId, confirm: true }));
}

/** Pause, resume, roll back: the answer moves the wizard when it is the wizard's job; errors go to the caller. */
async function runJobAction(call: () => Promise<ImportJob>): Promise<ImportJob> {
  set({ busy: true });
  try {
    const job = await call();
    applyJob(job, true);
    return job;
  } finally {
    set({ busy: false });
  }
}

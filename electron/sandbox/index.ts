// The Intercom sandbox's public surface: a local, stateful, fault-injecting stand-in for the
// Intercom REST API, for the sync engine's tests, the crash test, the benchmark and `--sandbox`.
export { startSandbox, DEFAULT_API_VERSION, DEFAULT_RATE_LIMIT } from './SandboxServer';
export type { Sandbox, SandboxOptions, SandboxStats } from './SandboxServer';
export { DEFAULT_FAULTS } from './faults';
export type { SandboxFaults } from './faults';
export { Workspace, COLLEAGUE, FLUSH_MATCHING_INTERVAL_MS, SCROLL_IDLE_MS } from './Workspace';
export type {
  CompanyPatch,
  ContactPatch,
  SandboxCompany,
  SandboxContact,
  SandboxEvent,
  SandboxFlush,
  SandboxMessage,
  SandboxNote,
  SandboxVisitor,
  WorkspaceOptions,
} from './Workspace';
export type { DataAttribute } from './model';
export { applySeed } from './seed';
export type { WorkspaceState } from './persist';
export type { SandboxSeed } from './seed';
export { ApiError } from './errors';

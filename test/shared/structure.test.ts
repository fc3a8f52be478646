// The structure ARCHITECTURE.md promises, checked on the source tree as it is:
//   - one writer per record kind: under electron/, `INSERT INTO contacts` and `INSERT INTO outbox`
//     each appear in exactly one file (the repository the record writers call), and every other
//     change of outbox rows (`UPDATE outbox`, `DELETE FROM outbox`: status, hold, withdrawal)
//     is in the outbox repository too;
//   - the folders of electron/core import each other without a cycle (a service may use the
//     store and the writers, the sync may use services' helpers, never round in a circle);
//   - the pusher drives the operation registry: no `case` in it names an outbox op or a step kind.
// Each check is first run on a small made-up input, so a blind check cannot pass.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../electron/core/sync/ops';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORE = 'electron/core';

function listFiles(rel: string, re = /\.(ts|tsx|mts|mjs)$/): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const child = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (re.test(entry.name)) out.push(child);
    }
  };
  walk(rel);
  return out.sort();
}

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** Files whose text inserts into `table` (any spacing or case). */
function insertersOf(table: string, files: Record<string, string>): string[] {
  const re = new RegExp(String.raw`insert\s+(or\s+\w+\s+)?into\s+["\`]?${table}["\`]?[\s(]`, 'i');
  return Object.keys(files).filter((f) => re.test(files[f]!));
}

/** Files whose text updates or deletes rows of `table` (any spacing or case). */
function changersOf(table: string, files: Record<string, string>): string[] {
  const re = new RegExp(String.raw`\b(delete\s+from|update(\s+or\s+\w+)?)\s+["\`]?${table}["\`]?[\s;]`, 'i');
  return Object.keys(files).filter((f) => re.test(files[f]!));
}

/** The node a file of electron/core belongs to: its first folder, or the file itself at the top. */
function nodeOf(rel: string): string {
  const inside = rel.slice(CORE.length + 1);
  const slash = inside.indexOf('/');
  return slash === -1 ? inside : inside.slice(0, slash);
}

function importsOf(rel: string, text: string): string[] {
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) specs.push(n.argument.literal.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      specs.push(n.arguments[0].text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return specs;
}

/** Folder-level import graph of electron/core: node -> nodes it imports (other than itself). */
function folderGraph(files: Record<string, string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [rel, text] of Object.entries(files)) {
    const from = nodeOf(rel);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of importsOf(rel, text)) {
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      if (!target.startsWith(`${CORE}/`)) continue;
      const isFolder = Object.keys(files).some((f) => f.startsWith(`${target}/`));
      const to = nodeOf(isFolder ? `${target}/index.ts` : /\.[a-z]+$/.test(target) ? target : `${target}.ts`);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path (first node repeated at the end), or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of [...(graph.get(n) ?? [])].sort()) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const found = visit(m);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...graph.keys()].sort()) {
    if (!state.has(n)) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return null;
}

/** String labels of every `case` in a file. */
function caseLabels(text: string): string[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCaseClause(n) && ts.isStringLiteralLike(n.expression)) out.push(n.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('the checks themselves, on made-up sources', () => {
  it('finds inserts whatever their spacing or case, and only inserts into that table', () => {
    const files = {
      'a.ts': 'db.prepare(`INSERT INTO contacts (id) VALUES (?)`)',
      'b.ts': "db.prepare('insert   into\n contacts(id) values (?)')",
      'c.ts': 'db.prepare(`INSERT OR IGNORE INTO outbox (seq) VALUES (1)`)',
      'd.ts': 'db.prepare(`INSERT INTO contacts_fts (rowid) VALUES (1)`); db.prepare(`UPDATE contacts SET x = 1`)',
    };
    expect(insertersOf('contacts', files)).toEqual(['a.ts', 'b.ts']);
    expect(insertersOf('outbox', files)).toEqual(['c.ts']);
  });

  it('finds updates and deletes whatever their spacing or case, and only of that table', () => {
    const files = {
      'a.ts': "db.prepare(`UPDATE outbox SET status = 'done' WHERE seq = ?`)",
      'b.ts': "db.prepare('delete\n   from outbox where hold = ?')",
      'c.ts': "db.prepare(`update or ignore \"outbox\" set hold = null`)",
      'd.ts': 'db.prepare(`UPDATE outbox_archive SET x = 1`); db.prepare(`DELETE FROM contacts WHERE pk = ?`); // the outbox updates',
      'e.ts': 'db.prepare(`INSERT INTO outbox (seq) VALUES (1)`); db.prepare(`SELECT * FROM outbox`)',
    };
    expect(changersOf('outbox', files)).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(changersOf('contacts', files)).toEqual(['d.ts']);
  });

  it('sees a cycle between folders, and none in a tree', () => {
    const cyclic = {
      'electron/core/app.ts': "import { A } from './a/A';",
      'electron/core/a/A.ts': "import type { B } from '../b/B';",
      'electron/core/b/B.ts': "export { C } from '../c';",
      'electron/core/c/index.ts': "import { A } from '../a/A';",
    };
    expect(findCycle(folderGraph(cyclic))).toEqual(['a', 'b', 'c', 'a']);
    const tree = { ...cyclic, 'electron/core/c/index.ts': "import { x } from './x';" };
    expect(findCycle(folderGraph(tree))).toBeNull();
  });

  it('reads the string labels of case clauses', () => {
    expect(caseLabels("switch (k) { case 'fields': case 'auth': break; default: }")).toEqual(['fields', 'auth']);
  });
});

describe('the structure of electron/', () => {
  const electronFiles = Object.fromEntries(listFiles('electron').map((f) => [f, read(f)]));

  it('inserts contacts in exactly one file, and outbox entries in exactly one file', () => {
    expect(insertersOf('contacts', electronFiles)).toEqual(['electron/core/db/ContactRepository.ts']);
    expect(insertersOf('outbox', electronFiles)).toEqual(['electron/core/db/OutboxRepository.ts']);
  });

  it('updates and deletes outbox entries in the outbox repository only', () => {
    expect(changersOf('outbox', electronFiles)).toEqual(['electron/core/db/OutboxRepository.ts']);
  });

  it('has no import cycle among the folders of electron/core', () => {
    const coreFiles = Object.fromEntries(Object.entries(electronFiles).filter(([f]) => f.startsWith(`${CORE}/`)));
    const graph = folderGraph(coreFiles);
    expect(graph.size).toBeGreaterThan(10);
    expect(graph.get('app.ts')?.has('sync')).toBe(true);
    expect(findCycle(graph)).toBeNull();
  });

  it('keeps no switch over operations in the pusher: the registry says what each op sends', () => {
    const names = new Set(OPERATIONS.flatMap((o) => [o.kind, ...o.ops]));
    expect(names.size).toBeGreaterThan(8);
    const labels = caseLabels(read(`${CORE}/sync/Pusher.ts`));
    expect(labels.filter((l) => names.has(l))).toEqual([]);
  });
});

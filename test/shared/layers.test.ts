// The layer rules of DESIGN.md that an import rule cannot say, checked on the source tree as it
// is (whatever exists of electron/, shared/, renderer/ and the root config files), by parsing
// every file. Imports written as `import`/`export ... from` are the linter's (eslint.config.mjs,
// tested in lintLayers.test.ts); this test keeps:
//   - 'electron' is loaded only in electron/main and electron/preload, also through require(),
//     import() and import types;
//   - SQL text and SQLite calls live only in electron/core/db;
//   - the Intercom sandbox (electron/sandbox) stands alone: only its own files and node builtins,
//     so it stays a stand-in for Intercom rather than a part of the engine;
//   - an API method name is written as a string only in the contract (shared/api.ts and its
//     per-domain parts in shared/api/) and tests, except where TypeScript checks it against the
//     contract: in a type, in the `Handlers` map, or as the method argument of the typed client's
//     `call`.
// The checks are tested on small made-up sources first, so a silently blind check cannot pass.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/api';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCAN_DIRS = ['electron', 'shared', 'renderer'];
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', 'build', 'release']);

function listSources(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) walk(child);
      } else if (SOURCE.test(entry.name)) out.push(child);
    }
  };
  for (const dir of SCAN_DIRS) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
  for (const entry of fs.readdirSync(ROOT, { withFileTypes: true })) if (entry.isFile() && SOURCE.test(entry.name)) out.push(entry.name);
  return out.sort();
}

const under = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

// ---- what a file holds, read from its syntax tree ----

interface Facts {
  /** `dynamic`: require(), import(), `import x = require()` or an import type (beyond no-restricted-imports). */
  imports: { spec: string; line: number; dynamic: boolean }[];
  /** Text of every string and template literal, and whether TypeScript checks it against the contract. */
  strings: { text: string; line: number; typeChecked: boolean }[];
  /** `<receiver>.prepare(`, `.pragma(`, `.exec(` calls. */
  sqlCalls: { name: string; line: number }[];
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** An object literal whose declared type is the router's `Handlers` (so its keys are checked). */
function isHandlersObject(obj: ts.Node): boolean {
  const p = obj.parent;
  const typeName = (t: ts.TypeNode | undefined) => (t && ts.isTypeReferenceNode(t) ? t.typeName.getText() : undefined);
  if (ts.isVariableDeclaration(p)) return typeName(p.type) === 'Handlers';
  if (ts.isSatisfiesExpression(p)) return typeName(p.type) === 'Handlers';
  return false;
}

function isTypeChecked(node: ts.Node): boolean {
  const p = node.parent;
  if (ts.isLiteralTypeNode(p)) return true; // ParsedInput<'contacts.list'>
  if (ts.isPropertyAssignment(p) && p.name === node && ts.isObjectLiteralExpression(p.parent)) return isHandlersObject(p.parent);
  // client.call('contacts.list', ...): `call<M extends MethodName>` rejects anything else
  if (ts.isCallExpression(p) && p.arguments[0] === node && ts.isPropertyAccessExpression(p.expression)) {
    return p.expression.name.text === 'call';
  }
  // contract['contacts.create']: the contract is `as const`, so a wrong key does not compile
  if (ts.isElementAccessExpression(p) && p.argumentExpression === node && ts.isIdentifier(p.expression)) return p.expression.text === 'contract';
  return false;
}

function readFacts(file: string, text: string): Facts {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const facts: Facts = { imports: [], strings: [], sqlCalls: [] };
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      facts.imports.push({ spec: node.moduleSpecifier.text, line: line(node), dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e)) facts.imports.push({ spec: e.text, line: line(node), dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      facts.imports.push({ spec: node.argument.literal.text, line: line(node), dynamic: true });
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) && arg && ts.isStringLiteralLike(arg)) {
        facts.imports.push({ spec: arg.text, line: line(node), dynamic: true });
      }
      if (ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text;
        const receiver = node.expression.expression;
        const sqlish = name === 'prepare' || name === 'pragma';
        // RegExp#exec is fine; a database's exec takes SQL text
        const dbExec =
          name === 'exec' &&
          !ts.isRegularExpressionLiteral(receiver) &&
          ((arg !== undefined && (ts.isStringLiteralLike(arg) || ts.isTemplateExpression(arg))) || /db|database|sqlite|store/i.test(receiver.getText(sf)));
        if (sqlish || dbExec) facts.sqlCalls.push({ name, line: line(node) });
      }
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      facts.strings.push({ text: node.text, line: line(node), typeChecked: isTypeChecked(node) });
    } else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      facts.strings.push({ text: parts.join(' ? '), line: line(node), typeChecked: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return facts;
}

// ---- the rules ----

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]!);

const SQL_TEXT = [
  /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*\b(FROM|INTO|SET)\b/,
  /\b(CREATE|DROP|ALTER)\s+(VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b/,
  /\bPRAGMA\s+\w+/,
];

const METHOD_IN_TEXT = METHOD_NAMES.map((m) => ({ m, re: new RegExp(`(?<![\\w.])${m.replace('.', '\\.')}(?!\\w)`) }));

type Rule = 'electron' | 'sql' | 'methodNames' | 'sandbox';

function check(file: string, text: string): Record<Rule, string[]> {
  const f = readFacts(file, text);
  const at = (line: number, msg: string) => `${file}:${line}: ${msg}`;
  const out: Record<Rule, string[]> = { electron: [], sql: [], methodNames: [], sandbox: [] };

  if (!under(file, 'electron/main') && !under(file, 'electron/preload')) {
    for (const i of f.imports) if (i.dynamic && isElectron(i.spec)) out.electron.push(at(i.line, `loads '${i.spec}' outside electron/main and electron/preload`));
  }

  if (under(file, 'electron/sandbox')) {
    for (const i of f.imports) {
      if (isBuiltin(i.spec)) continue;
      const target = i.spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), i.spec)) : null;
      if (target === null || !under(target, 'electron/sandbox')) out.sandbox.push(at(i.line, `imports '${i.spec}' from outside electron/sandbox`));
    }
  }

  if (!under(file, 'electron/core/db')) {
    for (const s of f.strings) {
      const hit = SQL_TEXT.find((re) => re.test(s.text));
      if (hit) out.sql.push(at(s.line, `SQL text outside electron/core/db: ${JSON.stringify(s.text.slice(0, 60))}`));
    }
    for (const c of f.sqlCalls) out.sql.push(at(c.line, `.${c.name}( outside electron/core/db`));
  }

  if (file !== 'shared/api.ts' && !under(file, 'shared/api')) {
    for (const s of f.strings) {
      if (s.typeChecked) continue;
      for (const { m, re } of METHOD_IN_TEXT) {
        if (re.test(s.text)) out.methodNames.push(at(s.line, `method name '${m}' typed by hand (derive it from shared/api.ts)`));
      }
    }
  }
  return out;
}

// ---- the checks, first on made-up sources, then on the tree ----

describe('the layer checks themselves', () => {
  it('see electron loaded where it must not be, in the ways an import rule does not see', () => {
    expect(check('renderer/src/x.tsx', `const e = require('electron');`).electron).toHaveLength(1);
    expect(check('electron/bridge/x.ts', `const e = await import('electron');`).electron).toHaveLength(1);
    expect(check('shared/x.ts', `type W = import('electron').BrowserWindow;`).electron).toHaveLength(1);
    expect(check('electron/core/x.ts', `import e = require('electron');`).electron).toHaveLength(1);
    expect(check('electron/main/x.ts', `const { app } = await import('electron');`).electron).toEqual([]);
    expect(check('electron/preload/x.ts', `const e = require('electron');`).electron).toEqual([]);
    expect(check('electron/core/x.ts', `const v = await import('electron-vite');`).electron).toEqual([]);
    // an import declaration is the linter's (lintLayers.test.ts)
    expect(check('electron/core/x.ts', `import { app } from 'electron';`).electron).toEqual([]);
  });

  it('see SQL outside electron/core/db', () => {
    const sqlText = 'select id from contacts where pk = ?'.toUpperCase();
    expect(check('electron/core/leads/x.ts', `const q = ${JSON.stringify(sqlText)};`).sql).toHaveLength(1);
    expect(check('electron/core/leads/x.ts', 'const q = `' + 'update contacts set name = ${n}'.toUpperCase() + '`;').sql).toHaveLength(1);
    expect(check('renderer/src/x.ts', `db.prepare(q);`).sql).toHaveLength(1);
    expect(check('electron/main/x.ts', `db.pragma(q);`).sql).toHaveLength(1);
    expect(check('electron/bridge/x.ts', `this.db.exec(sql);`).sql).toHaveLength(1);
    expect(check('electron/core/db/x.ts', `db.prepare(${JSON.stringify(sqlText)});`).sql).toEqual([]);
    expect(check('renderer/src/x.ts', `/token=(\\w+)/.exec(hash); re.exec(text); const s = 'Select a contact from the list';`).sql).toEqual([]);
  });

  it('see the sandbox reach outside itself', () => {
    expect(check('electron/sandbox/x.ts', `import { Store } from '../core/db/Store';`).sandbox).toHaveLength(1);
    expect(check('electron/sandbox/resources/x.ts', `import type { Contact } from '../../../shared/domain';`).sandbox).toHaveLength(1);
    expect(check('electron/sandbox/x.ts', `import { z } from 'zod';`).sandbox).toHaveLength(1);
    expect(check('electron/sandbox/x.ts', `const m = await import('../startup/paths');`).sandbox).toHaveLength(1);
    expect(check('electron/sandbox/resources/x.ts', `import { body } from '../params'; import type { Model } from '../model'; import { A } from './A';`).sandbox).toEqual([]);
    expect(check('electron/sandbox/x.ts', `import http from 'node:http'; import path from 'path';`).sandbox).toEqual([]);
    expect(check('electron/startup/x.ts', `import { startSandbox } from '../sandbox';`).sandbox).toEqual([]);
  });

  it('see a method name typed by hand, and allow it where TypeScript checks it', () => {
    expect(check('electron/bridge/x.ts', `ipcRenderer.invoke('api:contacts.list', {});`).methodNames).toHaveLength(1);
    expect(check('renderer/src/x.ts', "fetch('/api/contacts.create', {});").methodNames).toHaveLength(1);
    expect(check('renderer/src/x.ts', "const m = 'companies.link'; switch (x) { case 'outbox.list': }").methodNames).toHaveLength(2);
    expect(check('electron/core/x.ts', `const h = { 'contacts.get': f };`).methodNames).toHaveLength(1);
    expect(check('electron/core/x.ts', `type P = ParsedInput<'contacts.list'>;`).methodNames).toEqual([]);
    expect(check('electron/core/x.ts', `const h: Handlers = { 'contacts.get': f };`).methodNames).toEqual([]);
    expect(check('electron/core/x.ts', `const h = { 'contacts.get': f } satisfies Handlers;`).methodNames).toEqual([]);
    expect(check('renderer/src/x.ts', `await client.call('contacts.list', {});`).methodNames).toEqual([]);
    expect(check('renderer/src/x.ts', `contract['contacts.create'].input.safeParse(x);`).methodNames).toEqual([]);
    expect(check('renderer/src/x.ts', `schemas['contacts.create'].input.safeParse(x);`).methodNames).toHaveLength(1);
    expect(check('renderer/src/x.ts', `const s = 'contacts.listing or mycontacts.list'; const o = 'contact.create';`).methodNames).toEqual([]);
    expect(check('shared/api.ts', `export const contract = { 'contacts.list': {} };`).methodNames).toEqual([]);
    expect(check('shared/api/contacts.ts', `export const contactMethods = { 'contacts.list': {} };`).methodNames).toEqual([]);
    expect(check('shared/apiNames.ts', `export const m = 'contacts.list';`).methodNames).toHaveLength(1);
  });
});

describe('the source tree keeps its layers', () => {
  const files = listSources();
  const results = new Map(files.map((f) => [f, check(f, fs.readFileSync(path.join(ROOT, f), 'utf8'))]));
  const all = (rule: Rule) => [...results.values()].flatMap((r) => r[rule]);

  it('scans the engine, the contract and whatever else exists', () => {
    expect(files).toEqual(
      expect.arrayContaining(['shared/api.ts', 'electron/core/app.ts', 'electron/core/db/Store.ts', 'electron/preload/apiSurface.ts', 'electron/sandbox/Workspace.ts']),
    );
    expect(files.some((f) => f.startsWith('test/'))).toBe(false);
    // the SQL check really reads the repositories (where SQL is allowed) and finds it there
    const inDb = files.filter((f) => under(f, 'electron/core/db'));
    const sqlInDb = inDb.filter((f) => readFacts(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).strings.some((s) => SQL_TEXT.some((re) => re.test(s.text))));
    expect(sqlInDb).toEqual(expect.arrayContaining(['electron/core/db/ContactRepository.ts', 'electron/core/db/OutboxRepository.ts']));
  });

  it("loads 'electron' only in electron/main and electron/preload", () => {
    expect(all('electron')).toEqual([]);
  });

  it('keeps SQL in electron/core/db', () => {
    expect(all('sql')).toEqual([]);
  });

  it('keeps the Intercom sandbox free of the engine and every other layer', () => {
    expect(all('sandbox')).toEqual([]);
  });

  it('writes API method names only in shared/api.ts', () => {
    expect(all('methodNames')).toEqual([]);
  });
});

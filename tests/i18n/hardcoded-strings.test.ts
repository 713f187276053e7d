/**
 * Every user-visible string of the client comes from the message catalogues. This reads the
 * client's source with the TypeScript compiler and fails on:
 * - JSX text containing letters (`<p>Hello</p>`),
 * - string literals in user-visible attributes (`aria-label="Close"`),
 * - `t('key')` calls whose literal key is missing from the English catalogue.
 */
import { catalogues, flattenMessages } from '@commons/shared';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const clientSrc = fileURLToPath(new URL('../../client/src', import.meta.url));
const visibleAttributes = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label']);
const hasLetter = /\p{L}/u;
const englishKeys = new Set(Object.keys(flattenMessages(catalogues.en)));
/** i18next plural forms resolve `key` to `key_one`, `key_other`, ... */
const pluralSuffixes = ['_zero', '_one', '_two', '_few', '_many', '_other'];

function sourceFiles(dir: string, extensions: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => extensions.some((ext) => name.endsWith(ext)))
    .map((name) => path.join(dir, name))
    .sort();
}

function parse(file: string): ts.SourceFile {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

function where(source: ts.SourceFile, node: ts.Node): string {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return `${path.relative(path.join(clientSrc, '..', '..'), source.fileName)}:${line + 1}`;
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** A string literal that is the attribute's value, directly or as `{'...'}` / {`...`}. */
function literalValue(initializer: ts.JsxAttributeValue | undefined): ts.StringLiteralLike | undefined {
  if (!initializer) return undefined;
  if (ts.isStringLiteral(initializer)) return initializer;
  if (ts.isJsxExpression(initializer) && initializer.expression && ts.isStringLiteralLike(initializer.expression)) {
    return initializer.expression;
  }
  return undefined;
}

function hardcodedStrings(source: ts.SourceFile): string[] {
  const problems: string[] = [];
  walk(source, (node) => {
    if (ts.isJsxText(node) && hasLetter.test(node.text)) {
      problems.push(`${where(source, node)} JSX text "${node.text.trim()}"`);
    }
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(source);
      const value = literalValue(node.initializer);
      if (visibleAttributes.has(name) && value && hasLetter.test(value.text)) {
        problems.push(`${where(source, node)} ${name}="${value.text}"`);
      }
    }
  });
  return problems;
}

function isTranslateCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 't';
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 't';
}

function keyExists(key: string): boolean {
  return englishKeys.has(key) || pluralSuffixes.some((suffix) => englishKeys.has(`${key}${suffix}`));
}

function unknownKeys(source: ts.SourceFile): string[] {
  const problems: string[] = [];
  walk(source, (node) => {
    if (!ts.isCallExpression(node) || !isTranslateCall(node)) return;
    const [first] = node.arguments;
    if (first && ts.isStringLiteralLike(first) && !keyExists(first.text)) {
      problems.push(`${where(source, node)} t('${first.text}')`);
    }
  });
  return problems;
}

describe('client strings', () => {
  const tsxFiles = sourceFiles(clientSrc, ['.tsx']);
  const allFiles = sourceFiles(clientSrc, ['.ts', '.tsx']);

  it('finds the client sources', () => {
    expect(tsxFiles.length).toBeGreaterThan(0);
  });

  it('has no hard-coded user-visible text in JSX', () => {
    expect(tsxFiles.flatMap((file) => hardcodedStrings(parse(file)))).toEqual([]);
  });

  it('translates only with keys that exist in the English catalogue', () => {
    expect(allFiles.flatMap((file) => unknownKeys(parse(file)))).toEqual([]);
  });
});

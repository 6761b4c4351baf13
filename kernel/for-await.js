// @ts-check
/**
 * Top-level `for await` in a cell. tslab runs a cell inside an async function only when its
 * TypeScript reports a top-level `await` expression; a top-level `for await (...)` loop reports
 * nothing, so the cell ran as plain code and failed with "SyntaxError: Unexpected reserved word".
 * {@link allowTopLevelForAwait} wraps the converter: a cell with such a loop runs as async too, so
 * `for await (const k of progress(n)) { ... }` works like `await`.
 */
'use strict';

const ts = require('@tslab/typescript-for-tslab');

/** Nodes below which a `for await` is not top-level (it belongs to a function or a class). */
const SCOPES = new Set([
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ClassExpression,
  ts.SyntaxKind.ModuleDeclaration,
]);

/**
 * True when `code` has a `for await` loop outside any function or class.
 * @param {string} code
 */
function hasTopLevelForAwait(code) {
  if (!code.includes('for') || !code.includes('await')) return false;
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false);
  /** @param {import('typescript').Node} node */
  const visit = (node) => {
    if (SCOPES.has(node.kind)) return false;
    if (ts.isForOfStatement(node) && node.awaitModifier) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return Boolean(ts.forEachChild(file, visit));
}

/**
 * Wraps a tslab converter so a cell with a top-level `for await` is marked as having top-level
 * await (and tslab runs it in an async function).
 * @template {{ convert: (prevDecl: string, src: string) => { hasToplevelAwait?: boolean } }} C
 * @param {C} converter
 * @returns {C}
 */
function allowTopLevelForAwait(converter) {
  const convert = converter.convert.bind(converter);
  converter.convert = (prevDecl, src) => {
    const out = convert(prevDecl, src);
    if (!out.hasToplevelAwait && hasTopLevelForAwait(src)) out.hasToplevelAwait = true;
    return out;
  };
  return converter;
}

module.exports = { allowTopLevelForAwait, hasTopLevelForAwait };

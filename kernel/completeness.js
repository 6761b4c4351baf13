// @ts-check
/**
 * `is_complete_request` for TypeScript: `incomplete` while a bracket, a template literal or a block
 * comment is still open or the parser wants more at the very end (`const x =`), `invalid` when no
 * continuation can fix the code (a stray or mismatched closing bracket, a string broken by a line
 * end, a syntax error before the end), else `complete`. Uses TypeScript's own scanner and parser
 * (tslab's bundled @tslab/typescript-for-tslab).
 */
'use strict';

const ts = require('@tslab/typescript-for-tslab');

const K = ts.SyntaxKind;
const OPENERS = new Map([
  [K.OpenParenToken, K.CloseParenToken],
  [K.OpenBracketToken, K.CloseBracketToken],
  [K.OpenBraceToken, K.CloseBraceToken],
]);
const CLOSERS = new Set(OPENERS.values());

/**
 * Scans the code: the brackets still open, and whether a literal or comment is left open.
 * @param {string} code
 * @returns {{ invalid: boolean, open: number[], unterminated: boolean }}
 */
function scan(code) {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    false,
    ts.LanguageVariant.Standard,
    code,
  );
  /** Closing tokens expected, innermost last; a template's `${` expects a `}` that resumes it. */
  const expected = [];
  let unterminated = false;
  let invalid = false;
  scanner.setOnError((message) => {
    if (
      message.key === 'Unterminated_template_literal_1160' ||
      message.key === 'Asterisk_Slash_expected_1010'
    ) {
      unterminated = true;
    } else if (message.key === 'Unterminated_string_literal_1002') {
      // A line end inside '...' or "..." can never be repaired by more lines, unless escaped.
      invalid ||= !/\\\r?\n?$/.test(code);
      unterminated = true;
    }
  });
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if (OPENERS.has(token)) expected.push(OPENERS.get(token));
    else if (token === K.TemplateHead) expected.push(K.TemplateHead);
    else if (token === K.CloseBraceToken && expected[expected.length - 1] === K.TemplateHead) {
      // The `}` closing `${ ... }`: rescan as the rest of the template.
      const rest = scanner.reScanTemplateToken(false);
      if (rest === K.TemplateTail) expected.pop();
    } else if (CLOSERS.has(token)) {
      if (expected.pop() !== token) return { invalid: true, open: expected, unterminated };
    }
  }
  return { invalid, open: expected, unterminated };
}

/** Whether the parser's only complaint is that the code stops too early. */
function parserWantsMore(code) {
  const source = ts.createSourceFile(
    'cell.ts',
    code,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  /** @type {readonly ts.DiagnosticWithLocation[]} */
  const diagnostics = Reflect.get(source, 'parseDiagnostics') ?? [];
  if (diagnostics.length === 0) return 'complete';
  const atEnd = (d) =>
    d.start >= code.trimEnd().length && String(d.messageText).endsWith('expected.');
  return diagnostics.every(atEnd) ? 'incomplete' : 'invalid';
}

/** The indent for the next line: the last line's, one level deeper after an opener. */
function indentAfter(code) {
  const lastLine = code.split('\n').pop() ?? '';
  const indent = /^\s*/.exec(lastLine)?.[0] ?? '';
  return /[([{]\s*$/.test(lastLine) ? `${indent}  ` : indent;
}

/**
 * The `is_complete_reply` content for a cell's code.
 * @param {string} code
 * @returns {{ status: 'complete' | 'incomplete' | 'invalid', indent?: string }}
 */
function isComplete(code) {
  const scanned = scan(code);
  if (scanned.invalid) return { status: 'invalid' };
  if (scanned.open.length > 0 || scanned.unterminated) {
    return { status: 'incomplete', indent: indentAfter(code) };
  }
  const status = parserWantsMore(code);
  return status === 'incomplete' ? { status, indent: indentAfter(code) } : { status };
}

module.exports = { isComplete };

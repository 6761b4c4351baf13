// @ts-check
/**
 * `user_expressions` of an execute request: each expression (TypeScript, transpiled without type
 * checking) evaluated after the cell, in the scope of the notebook's declarations, and returned in
 * the execute_reply as a MIME bundle or an error, as ipykernel does.
 */
'use strict';

const vm = require('vm');
const ts = require('@tslab/typescript-for-tslab');

/**
 * @param {unknown} expressions the request's `user_expressions` ({ name: code })
 * @param {object} scope the cells' declarations (tslab's `locals`)
 * @param {(value: unknown) => Record<string, unknown>} toBundle
 * @param {(err: unknown) => { ename: string, evalue: string, traceback: string[] }} toError
 */
function evaluateUserExpressions(expressions, scope, toBundle, toError) {
  /** @type {Record<string, unknown>} */
  const results = {};
  if (expressions === null || typeof expressions !== 'object') return results;
  for (const [name, code] of Object.entries(expressions)) {
    try {
      const js = ts
        .transpile(`(${String(code)}\n)`, { target: ts.ScriptTarget.ES2022 })
        .trim()
        .replace(/;$/, '');
      // Sloppy-mode `with` makes the declarations visible by name; globals stay visible too.
      const evaluate = vm.runInThisContext(`(function (scope) { with (scope) { return ${js}; } })`);
      results[name] = { status: 'ok', data: toBundle(evaluate(scope)), metadata: {} };
    } catch (err) {
      results[name] = { status: 'error', ...toError(err) };
    }
  }
  return results;
}

module.exports = { evaluateUserExpressions };

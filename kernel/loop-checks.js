// @ts-check
/**
 * Interrupt checks compiled into every cell: the body of each loop (for, for-in, for-of, while,
 * do) and of each function (except constructors, where TypeScript places field initialisers
 * around `super()`) starts with
 *
 *     if (Atomics.load(__adlabInterruptFlag, 0) !== 0) __adlabInterrupted();
 *
 * a read of the shared interrupt flag (kernel/interrupt.js) that throws a KeyboardInterrupt while
 * an interrupt is pending. So a busy loop stops on interrupt wherever it runs: in the cell, after
 * an `await`, in a `setTimeout` callback or a promise callback, since all of those are the cell's
 * compiled code. Code the kernel did not compile (libraries, `eval`) has no checks; the socket
 * thread reports when such code does not stop.
 *
 * It is a TypeScript transformer for tslab's second compile step (ES module to CommonJS), added in
 * kernel/traceback.js; the checks are synthesized nodes, so the cell's source map is unchanged.
 */
'use strict';

const { FLAG, INTERRUPTED } = require('./interrupt');

/**
 * The transformer factory, for the TypeScript that tslab uses.
 * @param {typeof import('typescript')} ts
 * @returns {import('typescript').TransformerFactory<import('typescript').SourceFile>}
 */
function createLoopChecks(ts) {
  const f = ts.factory;
  const check = () =>
    f.createIfStatement(
      f.createStrictInequality(
        f.createCallExpression(
          f.createPropertyAccessExpression(f.createIdentifier('Atomics'), 'load'),
          undefined,
          [f.createIdentifier(FLAG), f.createNumericLiteral(0)],
        ),
        f.createNumericLiteral(0),
      ),
      f.createExpressionStatement(f.createCallExpression(f.createIdentifier(INTERRUPTED), [], [])),
    );

  /** `body` with the check first (a block, whatever `body` was). */
  const checked = (/** @type {import('typescript').Statement} */ body) =>
    ts.isBlock(body)
      ? f.updateBlock(body, [check(), ...body.statements])
      : f.createBlock([check(), body], true);

  return (context) => {
    /** @param {import('typescript').Node} parent */
    const visitorOf = (parent) => {
      /** @type {(node: import('typescript').Node) => import('typescript').Node} */
      const visit = (node) => {
        const visited = ts.visitEachChild(node, visitorOf(node), context);
        if (ts.isIterationStatement(parent, false) && parent.statement === node) {
          return checked(/** @type {import('typescript').Statement} */ (visited));
        }
        const isBody = ts.isFunctionLike(parent) && 'body' in parent && parent.body === node;
        if (isBody && !ts.isConstructorDeclaration(parent)) {
          if (ts.isBlock(visited)) return checked(visited);
          // An arrow function's expression body: `{ check; return expression; }`.
          if (ts.isExpression(visited))
            return f.createBlock([check(), f.createReturnStatement(visited)], false);
        }
        return visited;
      };
      return visit;
    };
    return (source) =>
      /** @type {import('typescript').SourceFile} */ (
        ts.visitEachChild(source, visitorOf(source), context)
      );
  };
}

module.exports = { createLoopChecks };

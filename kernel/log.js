// @ts-check
/**
 * The kernel's own error log: written straight to file descriptor 2 (the log of the server that
 * started the kernel). It never goes through `process.stderr.write`, which cells redirect to iopub,
 * so reporting a failed send can never fail another send.
 */
'use strict';

const fs = require('fs');
const util = require('util');

/** Writes a message (and the error's stack, if any) to fd 2; never throws. */
function logError(message, err) {
  try {
    const detail =
      err === undefined ? '' : `: ${err instanceof Error ? err.stack : util.inspect(err)}`;
    fs.writeSync(2, `${message}${detail}\n`);
  } catch {
    // Nowhere left to report to.
  }
}

module.exports = { logError };

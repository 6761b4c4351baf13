// @ts-check
/**
 * The "TypeScript (adlab)" Jupyter kernel: tslab 1.0.22 with the adlab library preloaded.
 *
 * Usage (from kernel.json): node <repo>/kernel/launcher.js <connection_file>
 *
 * Start-up is ordered for a quick handshake: first the socket thread binds the five sockets
 * (kernel/server.js, kernel/socket-thread.js) and answers kernel_info_request right away; only
 * then does this thread load TypeScript, tslab and the library and build the session
 * (kernel/session.js, about 2 s); requests other than kernel_info wait for it. The socket thread
 * also ends the kernel when the process that started it dies (no orphaned kernels).
 */
'use strict';

const fs = require('fs');
const util = require('util');
const { KernelServer } = require('./server');
const interrupts = require('./interrupt');
const { kernelInfo, kernelVersions } = require('./kernel-info');

async function main() {
  const connectionFile = process.argv[2];
  if (!connectionFile || !fs.existsSync(connectionFile)) {
    process.stderr.write('usage: node launcher.js <connection_file>\n');
    process.exit(2);
  }
  const versions = kernelVersions();
  const server = new KernelServer(connectionFile);
  // Until the session exists, an interrupt has nothing to stop.
  let onInterrupt = () => interrupts.takeInterrupt();
  const flag = /** @type {SharedArrayBuffer} */ (interrupts.interruptFlag.buffer);
  await server.start(kernelInfo(versions), flag, () => onInterrupt());
  const { startSession } = require('./session');
  const session = await startSession(server, versions);
  onInterrupt = session.interrupt;
  server.ready();
}

main().catch((err) => {
  process.stderr.write(`adlab kernel failed to start: ${util.inspect(err)}\n`);
  process.exit(1);
});

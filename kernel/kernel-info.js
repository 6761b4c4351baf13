// @ts-check
/**
 * The kernel_info_reply: known without loading TypeScript (versions come from package.json files),
 * so the socket thread can answer the first kernel_info_request while the main thread is still
 * building the TypeScript program.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { PROTOCOL_VERSION } = require('./wire');
const { packageFile } = require('./prelude');

/** The `version` of the package.json at `file`, else 'unknown'. */
function versionIn(/** @type {() => string} */ file) {
  try {
    return String(JSON.parse(fs.readFileSync(file(), 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/** The versions the banner names: the adlab library's and tslab's TypeScript's. */
function kernelVersions() {
  const tslabDir = () => path.dirname(require.resolve('tslab/package.json'));
  const typescript = () =>
    require.resolve('@tslab/typescript-for-tslab/package.json', { paths: [tslabDir()] });
  return { libraryVersion: versionIn(packageFile), typescriptVersion: versionIn(typescript) };
}

/**
 * The content of a kernel_info_reply.
 * @param {{ libraryVersion: string, typescriptVersion: string }} versions
 */
function kernelInfo({ libraryVersion, typescriptVersion }) {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'adlab',
    implementation_version: libraryVersion,
    language_info: {
      name: 'typescript',
      version: typescriptVersion,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      // As tslab: JupyterLab reads `mode`, the classic notebook `name` and `typescript`.
      codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
    },
    banner:
      `TypeScript (adlab): adlab ${libraryVersion}, tslab 1.0.22, ` +
      `TypeScript ${typescriptVersion}, Node ${process.version}`,
    help_links: [],
  };
}

module.exports = { kernelInfo, kernelVersions };

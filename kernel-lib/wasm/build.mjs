// Compiles wasm/kernels.c into dist/kernels.wasm with Debian's clang + lld (WebAssembly SIMD).
// Without clang the build still succeeds: the library then runs its TypeScript kernels.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const exports = [
  'matmul_f32',
  'matmul_f64',
  'binary_f32',
  'binary_f64',
  'unary_f32',
  'unary_f64',
  'sum_f32',
  'sum_f64',
];
const args = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-nostdlib',
  '-Wl,--no-entry',
  '-Wl,--import-memory',
  '-Wl,--export=__heap_base',
  '-Wl,-z,stack-size=262144',
  ...exports.map((e) => `-Wl,--export=${e}`),
  '-o',
  `${root}dist/kernels.wasm`,
  `${root}wasm/kernels.c`,
];
mkdirSync(`${root}dist`, { recursive: true });
try {
  execFileSync(process.env.CLANG ?? 'clang', args, { stdio: ['ignore', 'inherit', 'pipe'] });
  console.log('adlab: built dist/kernels.wasm (WebAssembly SIMD kernels)');
} catch (e) {
  const why = e.code === 'ENOENT' ? 'clang not found' : String(e.stderr ?? e).split('\n')[0];
  console.warn(
    `adlab: WebAssembly kernels not built (${why}); the TypeScript kernels will be used. ` +
      'Install clang and lld (scripts/apt-packages.txt) for the fast path.',
  );
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One vitest run covers the library (Node) and the extension's renderers (jsdom).
export default defineConfig({
  resolve: {
    // The extension imports the protocol from the library's sources, so tests need no build.
    alias: {
      'adlab/protocol': fileURLToPath(
        new URL('./kernel-lib/src/jupyter/protocol.ts', import.meta.url),
      ),
      'adlab/plot-style': fileURLToPath(new URL('./kernel-lib/src/plot/style.ts', import.meta.url)),
      'adlab/graph-layout': fileURLToPath(
        new URL('./kernel-lib/src/jupyter/graph-layout/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'kernel-lib',
          environment: 'node',
          include: [
            'test/{core,rules,transforms,numpy,backends,jupyter,optim,numerics,plot,webgpu}/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'labextension',
          environment: 'jsdom',
          include: ['test/labextension/**/*.test.ts'],
        },
      },
    ],
  },
});

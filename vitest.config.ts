import { defineConfig } from 'vitest/config';

// One vitest run covers the library (Node) and the extension's renderers (jsdom).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'kernel-lib',
          environment: 'node',
          include: ['test/{core,rules,transforms,numpy,backends,jupyter,optim,numerics}/**/*.test.ts'],
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

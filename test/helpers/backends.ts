/** Running test code on a given backend. */
import { getBackend, setBackend } from '../../kernel-lib/src';
import type { Backend } from '../../kernel-lib/src/backends/backend';

/** `f()` with `backend` active, the previous one restored after. */
export function on<T>(backend: Backend, f: () => T): T {
  const previous = getBackend();
  setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(previous);
  }
}

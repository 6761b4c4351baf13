/** The loop the transform harnesses share: one describe block per primitive, each spec case in it. */
import { describe } from 'vitest';
import type { Tensor } from '../../kernel-lib/src';
import { bind } from '../../kernel-lib/src/core/trace';
import { primitives, type PrimitiveKey } from '../../kernel-lib/src/primitives';
import { specs, type Spec, type SpecCase } from './specs';

/** Calls `body` for every spec case of every primitive, with `apply` binding it on given inputs. */
export function describeEachCase(
  body: (c: SpecCase, spec: Spec, apply: (...xs: Tensor[]) => Tensor[], key: PrimitiveKey) => void,
): void {
  for (const key of Object.keys(primitives) as PrimitiveKey[]) {
    const prim = primitives[key];
    const spec = specs[key];
    describe(`primitive ${key}`, () => {
      for (const c of spec.cases) {
        const params = c.params ?? {};
        body(c, spec, (...xs: Tensor[]) => bind(prim, xs, params), key);
      }
    });
  }
}

/**
 * WGSL for the tagged scalar formulas (`ScalarFn.op`), until elementwise work arrives as
 * expressions. A formula without a tag has no GPU form: running it on WebGPU is an error.
 */
import type { ScalarFn } from '../backend';
import type { Lowered, WgslType } from './elementwise';

const ISNAN = 'fn isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }';
const num = (a: string, t: WgslType) => (t === 'bool' ? `i32(${a})` : a);

/** The WGSL of `fn` applied to `x0..` of `types`, or an error naming the formula. */
export function lowerTagged(fn: ScalarFn, types: readonly WgslType[]): Lowered {
  const [a, b, c] = ['x0', 'x1', 'x2'];
  const [ta, tb] = types;
  const infix = (s: string) => `(${num(a, ta)} ${s} ${num(b, tb)})`;
  const f32 = (name: string) => `${name}(${ta === 'f32' ? a : `f32(${num(a, ta)})`})`;
  const plain = (value: string, helpers = ''): Lowered => ({ helpers, body: '', value });
  switch (fn.op) {
    case 'add':
      return plain(infix('+'));
    case 'sub':
      return plain(infix('-'));
    case 'mul':
      return plain(infix('*'));
    case 'div':
      return plain(infix('/'));
    case 'max':
    case 'min': {
      const m = `${fn.op}(${num(a, ta)}, ${num(b, tb)})`;
      if (ta !== 'f32') return plain(m);
      return plain(`select(${m}, ${a} + ${b}, isnan(${a}) || isnan(${b}))`, ISNAN);
    }
    case 'neg':
      return plain(`(-${num(a, ta)})`);
    case 'abs':
      return plain(`abs(${num(a, ta)})`);
    case 'sqrt':
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
      return plain(f32(fn.op));
    case 'tanh':
      // tanh through exp of a non-positive argument: no overflow for large |x|.
      return {
        helpers: '',
        body: `let e = exp(-2.0 * abs(${a}));\n  let th = sign(${a}) * (1.0 - e) / (1.0 + e);`,
        value: 'th',
      };
    case 'gt':
      return plain(infix('>'));
    case 'ge':
      return plain(infix('>='));
    case 'lt':
      return plain(infix('<'));
    case 'le':
      return plain(infix('<='));
    case 'eq':
      return plain(infix('=='));
    case 'ne':
      return plain(infix('!='));
    case 'where':
      return plain(
        `select(${c}, ${b}, ${types[0] === 'bool' ? a : `${a} != ${types[0] === 'f32' ? '0.0' : '0'}`})`,
      );
    default:
      throw new Error(
        `webgpu: this elementwise formula (${fn.name || 'anonymous'}) has no WGSL lowering yet`,
      );
  }
}

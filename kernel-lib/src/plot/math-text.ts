/**
 * A little TeX for titles and labels: text between `$...$` becomes Unicode math (Greek letters,
 * operators, super- and subscripts), so it survives every renderer and export as plain text.
 */
import { SUPERSCRIPTS } from './style';

const COMMANDS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Sigma: 'Σ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
  nabla: '∇',
  partial: '∂',
  infty: '∞',
  cdot: '·',
  times: '×',
  pm: '±',
  leq: '≤',
  geq: '≥',
  neq: '≠',
  approx: '≈',
  sim: '∼',
  to: '→',
  sum: '∑',
  prod: '∏',
  sqrt: '√',
  Vert: '‖',
  lVert: '‖',
  rVert: '‖',
  top: 'ᵀ',
  star: '*',
  ell: 'ℓ',
};

const SUP: Record<string, string> = {
  ...SUPERSCRIPTS,
  '=': '⁼',
  '(': '⁽',
  ')': '⁾',
  n: 'ⁿ',
  i: 'ⁱ',
  T: 'ᵀ',
  k: 'ᵏ',
  '*': '*',
};
const SUB: Record<string, string> = {
  '0': '₀',
  '1': '₁',
  '2': '₂',
  '3': '₃',
  '4': '₄',
  '5': '₅',
  '6': '₆',
  '7': '₇',
  '8': '₈',
  '9': '₉',
  '-': '₋',
  '+': '₊',
  '=': '₌',
  '(': '₍',
  ')': '₎',
  a: 'ₐ',
  e: 'ₑ',
  i: 'ᵢ',
  j: 'ⱼ',
  k: 'ₖ',
  n: 'ₙ',
  t: 'ₜ',
  x: 'ₓ',
};

function script(body: string, table: Record<string, string>, mark: string): string {
  const chars = [...body];
  // A character without a Unicode script form keeps the TeX mark, so nothing is lost.
  return chars.every((c) => table[c] !== undefined)
    ? chars.map((c) => table[c]).join('')
    : `${mark}(${body})`;
}

function convert(tex: string): string {
  return tex
    .replace(/\\\|/g, '‖')
    .replace(/\\([A-Za-z]+)(?: (?=[A-Za-z]))?/g, (m, name: string) => COMMANDS[name] ?? m)
    .replace(/\^\{([^}]*)\}|\^(.)/g, (_, a?: string, b?: string) => script(a ?? b ?? '', SUP, '^'))
    .replace(/_\{([^}]*)\}|_(.)/g, (_, a?: string, b?: string) => script(a ?? b ?? '', SUB, '_'))
    .replace(/-/g, '−');
}

/**
 * Text with its `$...$` parts turned into Unicode math; the rest stays as written.
 * @example mathText('$\\|\\nabla f\\|$ against $k$') // '‖∇f‖ against k'
 */
export function mathText(s: string): string {
  return s.replace(/\$([^$]+)\$/g, (_, tex: string) => convert(tex));
}

// adlab in a browser bundle: the gradient of sum(x²) is 2x. (In the browser the library runs its
// TypeScript kernels; the WebAssembly ones load in Node only.)
import { getBackend, grad, np, type Tensor } from 'adlab';

const x = np.array([1, 2, 3]);
const dx = grad((t: Tensor) => t.mul(t).sum())(x);
const out = document.getElementById('gradient')!;
out.textContent = JSON.stringify(dx.toArray());
out.dataset.backend = getBackend().name;

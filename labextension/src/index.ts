/**
 * adlab's JupyterLab extension: declares the MIME renderer plugins, nothing else.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME } from 'adlab/protocol';
import { FigureRenderer } from './renderers/figure';
import { GraphRenderer } from './renderers/graph';
import { HvpProbeRenderer } from './renderers/hvp-probe';
import { JacobianProbeRenderer } from './renderers/jacobian-probe';
import { OptimizerRenderer } from './renderers/optimizer';
import { PytreeRenderer } from './renderers/pytree';
import { TensorRenderer } from './renderers/tensor';

/**
 * Rank of adlab's renderers: below the `text/html` fallback's 50, so the custom view wins over
 * the static fallback in the same bundle.
 */
export const ADLAB_RANK = 20;

/** Renders `application/vnd.adlab.tensor.v1+json`. */
export const tensorExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:tensor',
  description: 'Renders adlab tensors: shape, dtype, statistics, values and a heatmap.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.tensor],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new TensorRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.graph.v1+json`. */
export const graphExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:graph',
  description: 'Renders adlab primitive graphs: a laid-out DAG with search, zoom and export.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.graph],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new GraphRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.optimizer-run.v1+json`. */
export const optimizerExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:optimizer-run',
  description: 'Renders adlab optimizer runs: loss curves, gradient norms and 2-D trajectories.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.optimizerRun],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new OptimizerRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.jacobian-probe.v1+json`. */
export const jacobianProbeExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:jacobian-probe',
  description: 'Renders adlab Jacobian probes: columns by JVP and rows by VJP, revealed on click.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.jacobianProbe],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new JacobianProbeRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.hvp-probe.v1+json`. */
export const hvpProbeExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:hvp-probe',
  description:
    'Renders adlab HVP probes: H v against finite differences, the Hessian, its spectrum.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.hvpProbe],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new HvpProbeRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.pytree.v1+json`. */
export const pytreeExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:pytree',
  description: 'Renders pytrees of tensors: a collapsible tree with shape, dtype and statistics.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.pytree],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new PytreeRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

/** Renders `application/vnd.adlab.figure.v1+json` (the plotting API), over its PNG fallback. */
export const figureExtension: IRenderMime.IExtension = {
  id: 'adlab-labextension:figure',
  description: 'Renders adlab figures (plot.line, plot.contour, ...) with plotly in the theme.',
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME.figure],
    defaultRank: ADLAB_RANK,
    createRenderer: (options) => new FigureRenderer(options),
  },
  rank: ADLAB_RANK,
  dataType: 'json',
};

const extensions: IRenderMime.IExtension[] = [
  tensorExtension,
  graphExtension,
  optimizerExtension,
  jacobianProbeExtension,
  hvpProbeExtension,
  pytreeExtension,
  figureExtension,
];

export default extensions;

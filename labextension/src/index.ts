/**
 * adlab's JupyterLab extension: declares the MIME renderer plugins, nothing else.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME } from 'adlab/protocol';
import { GraphRenderer } from './renderers/graph';
import { OptimizerRenderer } from './renderers/optimizer';
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

const extensions: IRenderMime.IExtension[] = [tensorExtension, graphExtension, optimizerExtension];

export default extensions;

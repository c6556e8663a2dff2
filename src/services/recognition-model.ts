/** What the recognition rules need to know of the chosen embedding model. */
import type { ThresholdPrior } from '../classifier';
import type { EmbeddingModelDescriptor } from '../embedding';

/** The model's measured stranger figures for the classifier's threshold, or null for an unmeasured model. */
export function thresholdPriorOf(model: EmbeddingModelDescriptor): ThresholdPrior | null {
  const p = model.prior;
  return p ? { far1: p.far1, far10: p.far10, duplicate: p.duplicate } : null;
}

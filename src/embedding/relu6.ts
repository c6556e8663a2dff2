/**
 * A load-time rewrite of a converted graph: `Maximum(Minimum(Relu(x), 6), 0)` (Keras' ReLU6 as the converter
 * writes it out: a clip after a ReLU) becomes one `Relu6(x)`. FaceRes has 27 of these, and about 40 % of its
 * time went to the two element-wise ops. The rewrite is exact (ReLU6 is that clip); a graph without the
 * pattern is left as it is. A test compares the outputs of both graphs.
 */
import * as tf from '@tensorflow/tfjs-core';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const nodeName = (input: string): string => input.replace(/^\^/, '').split(':')[0]!;

/** The scalar value of constant `name` from the weights, or null where it is not a scalar constant. */
function scalarOf(name: string, weights: ReadonlyMap<string, number>): number | null {
  return weights.get(name) ?? null;
}

export interface Relu6Rewrite {
  readonly topology: { node: GraphNode[] } & Record<string, unknown>;
  /** Clips replaced. */
  readonly fused: number;
}

/**
 * The topology with every ReLU-then-clip-to-[0, 6] replaced by a ReLU6. `weightSpecs` and `weightData` give
 * the constants' values (only scalar ones are decoded).
 */
export function fuseRelu6(
  topology: { node?: GraphNode[] } & Record<string, unknown>,
  weightSpecs: readonly tf.io.WeightsManifestEntry[],
  weightData: ArrayBuffer,
): Relu6Rewrite {
  const nodes = topology.node;
  if (!Array.isArray(nodes)) return { topology: { ...topology, node: [] }, fused: 0 };
  const scalars = scalarWeights(weightSpecs, weightData);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const consumers = new Map<string, number>();
  for (const n of nodes)
    for (const i of n.input ?? []) consumers.set(nodeName(i), (consumers.get(nodeName(i)) ?? 0) + 1);
  const drop = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  for (const max of nodes) {
    if (max.op !== 'Maximum' || max.input?.length !== 2) continue;
    const [minInput, zeroInput] = max.input;
    const min = byName.get(nodeName(minInput!));
    if (min?.op !== 'Minimum' || min.input?.length !== 2 || scalarOf(nodeName(zeroInput!), scalars) !== 0) continue;
    const [reluInput, sixInput] = min.input;
    const relu = byName.get(nodeName(reluInput!));
    if (relu?.op !== 'Relu' || relu.input?.length !== 1 || scalarOf(nodeName(sixInput!), scalars) !== 6) continue;
    // Only where nothing else reads the inner nodes.
    if (consumers.get(min.name) !== 1 || consumers.get(relu.name) !== 1) continue;
    replaced.set(max.name, { ...max, op: 'Relu6', input: [...relu.input] });
    drop.add(min.name).add(relu.name);
  }
  return {
    topology: {
      ...topology,
      node: nodes.filter((n) => !drop.has(n.name)).map((n) => replaced.get(n.name) ?? n),
    },
    fused: replaced.size,
  };
}

/** The float scalar constants of the weights, by name (quantised ones decoded by tfjs). */
function scalarWeights(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): Map<string, number> {
  const out = new Map<string, number>();
  const scalarSpecs = specs.filter((s) => s.shape.length === 0 && s.dtype === 'float32');
  if (scalarSpecs.length === 0) return out;
  const decoded = tf.io.decodeWeights(data, [...specs]);
  try {
    for (const spec of scalarSpecs) {
      const t = decoded[spec.name];
      if (t) out.set(spec.name, t.dataSync()[0]!);
    }
  } finally {
    tf.dispose(Object.values(decoded));
  }
  return out;
}

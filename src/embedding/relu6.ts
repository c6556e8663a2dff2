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
    if (min?.op !== 'Minimum' || min.input?.length !== 2 || scalars.get(nodeName(zeroInput!)) !== 0) continue;
    const [reluInput, sixInput] = min.input;
    const relu = byName.get(nodeName(reluInput!));
    if (relu?.op !== 'Relu' || relu.input?.length !== 1 || scalars.get(nodeName(sixInput!)) !== 6) continue;
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

/** Bytes a weight takes in the shards, by its stored type; null for strings (their length varies). */
const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * The float scalar constants of the weights, by name: only their own bytes are decoded (by tfjs, quantised or
 * not), not the megabytes of the rest. Empty where a weight's size cannot be told (a string weight).
 */
function scalarWeights(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): Map<string, number> {
  const out = new Map<string, number>();
  let at = 0;
  for (const spec of specs) {
    const bytes = BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (bytes === undefined) return new Map();
    const size = spec.shape.reduce((n, d) => n * d, 1) * bytes;
    if (spec.shape.length === 0 && spec.dtype === 'float32') {
      const decoded = tf.io.decodeWeights(data.slice(at, at + size), [spec]);
      const t = decoded[spec.name]!;
      out.set(spec.name, t.dataSync()[0]!);
      t.dispose();
    }
    at += size;
  }
  return out;
}

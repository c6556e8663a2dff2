/** FaceRes with its ReLU-then-clip pairs fused into ReLU6 at load time gives the same outputs as as shipped. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileAssetReader, projectRoot } from '../../scripts/lib/node-tf';
import { loadCheckedGraphModel } from '../../src/embedding/graph-model';
import { fuseRelu6 } from '../../src/embedding/relu6';
import { randomPixels, tf, useWasm } from '../helpers/tf-node';

const folder = join(projectRoot, 'public', 'models', 'faceres');

describe('ReLU6 fused into a converted graph', () => {
  it("rewrites FaceRes's 27 clipped ReLUs and leaves its outputs as they were", async () => {
    await useWasm();
    const json = JSON.parse(readFileSync(join(folder, 'faceres.json'), 'utf8')) as {
      modelTopology: { node: { name: string; op: string; input?: string[] }[] };
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const data = tf.io.concatenateArrayBuffers(
      json.weightsManifest
        .flatMap((g) => g.paths)
        .map((p) => {
          const b = readFileSync(join(folder, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
        }),
    );
    const before = tf.memory().numTensors;
    const { topology, fused } = fuseRelu6(
      json.modelTopology,
      json.weightsManifest.flatMap((g) => g.weights),
      data,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(fused).toBe(27);
    const ops = (t: { node: { op: string }[] }, op: string) => t.node.filter((n) => n.op === op).length;
    expect([ops(topology, 'Relu6'), ops(topology, 'Minimum'), ops(topology, 'Maximum')]).toEqual([27, 0, 0]);

    const read = fileAssetReader(folder);
    const [plain, rewritten] = await Promise.all([
      loadCheckedGraphModel(read, 'faceres.json', { fuseRelu6: false }),
      loadCheckedGraphModel(read, 'faceres.json'),
    ]);
    const input = randomPixels([2, 224, 224, 3], 7);
    try {
      const a = plain.execute(input) as tf.Tensor[];
      const b = rewritten.execute(input) as tf.Tensor[];
      expect(b).toHaveLength(a.length);
      for (let i = 0; i < a.length; i++) {
        const x = await a[i]!.data();
        const y = await b[i]!.data();
        let worst = 0;
        for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!));
        expect(worst).toBeLessThan(1e-5);
      }
      tf.dispose([...a, ...b]);
    } finally {
      input.dispose();
      plain.dispose();
      rewritten.dispose();
    }
  });
});

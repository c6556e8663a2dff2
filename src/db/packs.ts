/**
 * Embedding packs: every embedding of one student from one model, quantised to 8 bits with a scale for each
 * vector, in one record. The face samples keep the full embeddings (and the crops); the packs are derived
 * from them, kept up to date in the same transactions, and are what training reads. Reading 60,000
 * embeddings as 60,000 records of floats took 3.8 s in Chromium, as 2,000 packs of floats 3.0 s, as 2,000
 * packs of bytes 0.7 to 1 s (see `npm run bench:db`). On FaceRes embeddings of LFW the 8-bit copy keeps a
 * cosine of at least 0.99985 to the original.
 */
import type { EmbeddingPack, FaceSample } from './schema';

/** Samples per student ID. */
export function countByStudent(samples: readonly FaceSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.studentId, (counts.get(s.studentId) ?? 0) + 1);
  return counts;
}

/** The packs of a set of samples: one per (model, student) that has embeddings. */
export function packsOf(samples: readonly FaceSample[]): EmbeddingPack[] {
  const groups = new Map<string, { modelId: string; studentId: string; ids: number[]; vectors: Float32Array[] }>();
  for (const s of samples) {
    for (const [modelId, vector] of Object.entries(s.embeddings)) {
      const key = `${modelId}\u0000${s.studentId}`;
      const g = groups.get(key) ?? { modelId, studentId: s.studentId, ids: [], vectors: [] };
      g.ids.push(s.id!);
      g.vectors.push(vector);
      groups.set(key, g);
    }
  }
  return [...groups.values()].map((g) => {
    const dimension = g.vectors[0]!.length;
    const codes = new Int8Array(g.vectors.length * dimension);
    const scales = new Float32Array(g.vectors.length);
    g.vectors.forEach((v, i) => {
      let max = 0;
      for (const x of v) max = Math.max(max, Math.abs(x));
      const scale = max / 127 || 1;
      scales[i] = scale;
      for (let k = 0; k < dimension; k++) codes[i * dimension + k] = Math.round(v[k]! / scale);
    });
    return { modelId: g.modelId, studentId: g.studentId, sampleIds: g.ids, dimension, scales, codes };
  });
}

/**
 * The pack's embeddings back as floats (codes × scale, unit length to within 1e-3), as views into one buffer
 * a pack: the bytes are widened to floats natively (`set`), then scaled in one pass. Building 60,000
 * separate arrays and renormalising each took as long as reading the packs.
 */
export function unpack(pack: EmbeddingPack): Float32Array[] {
  const d = pack.dimension;
  const all = new Float32Array(pack.codes.length);
  all.set(pack.codes);
  return pack.sampleIds.map((_, i) => {
    const v = all.subarray(i * d, (i + 1) * d);
    const scale = pack.scales[i]!;
    for (let k = 0; k < d; k++) v[k] = v[k]! * scale;
    return v;
  });
}

import type { BackendPreference } from '../services/tf-backend';

const CHOICES: readonly BackendPreference[] = ['auto', 'webgl', 'wasm', 'cpu'];

/** `?backend=webgl|wasm|cpu` forces a backend (for checks and benchmarks); otherwise `auto`. */
export function backendFromUrl(search: string): BackendPreference {
  const wanted = new URLSearchParams(search).get('backend');
  return CHOICES.find((c) => c === wanted) ?? 'auto';
}

/**
 * `?engine=page` runs the face engine on the page's thread instead of its worker, `?tracking=off` detects and
 * embeds every face of every frame, and `?fuse=off` loads the embedding graph as converted: together, the
 * pipeline before the live-pipeline work, for `npm run bench:live` to compare against in the same run. None
 * is offered in Settings. `?detector=mtcnn|blazeface` overrides the live detector of Settings, and
 * `?lose-webgl-after=N` loses the WebGL context at the engine's N-th frame, and `?measure=all` measures WebGL
 * against WebAssembly also where WebGL runs in software, and `?picture=off|warn|ask` overrides the photo check
 * of Settings (all for checks and benchmarks).
 */
export function engineFromUrl(search: string): {
  where: 'worker' | 'page';
  tracking: boolean;
  fuseRelu6: boolean;
  liveDetector: 'mtcnn' | 'blazeface' | null;
  loseWebglAfterFrames: number | undefined;
  measureSoftware: boolean;
  pictureCheck: 'off' | 'warn' | 'ask' | null;
} {
  const params = new URLSearchParams(search);
  const detector = params.get('detector');
  return {
    where: params.get('engine') === 'page' ? 'page' : 'worker',
    tracking: params.get('tracking') !== 'off',
    fuseRelu6: params.get('fuse') !== 'off',
    liveDetector: detector === 'mtcnn' || detector === 'blazeface' ? detector : null,
    loseWebglAfterFrames: Number(params.get('lose-webgl-after')) || undefined,
    measureSoftware: params.get('measure') === 'all',
    pictureCheck: (['off', 'warn', 'ask'] as const).find((p) => p === params.get('picture')) ?? null,
  };
}

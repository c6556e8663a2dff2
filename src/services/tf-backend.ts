/**
 * Chooses the tfjs backend: WebGL first, WebAssembly (SIMD) where WebGL is missing or only emulated in
 * software, the plain CPU backend last. The choice and the reason for it are shown in the app.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type BackendName = 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
  readonly backend: BackendName;
  /** Why this one, in words for the teacher; empty when the first choice simply worked. */
  readonly note: string;
}

let wasmPathsSet = false;

function prepareWasm(): void {
  if (wasmPathsSet) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  wasmPathsSet = true;
}

/** The GPU behind WebGL, or null where WebGL2 is missing. */
export function probeWebgl(): { renderer: string; software: boolean; shortName: string } | null {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.exec(renderer);
  return { renderer, software: software !== null, shortName: software ? software[0] : renderer };
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'wasm') prepareWasm();
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Sets the backend. `auto` takes WebGL on a real GPU and WebAssembly where WebGL is missing or runs in
 * software (there it is many times slower than WebAssembly). A named backend that fails falls back the
 * same way, and the note says so.
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  const order: BackendName[] = [];
  let note = '';
  if (preference === 'auto') {
    const gl = probeWebgl();
    if (!gl) note = 'WebGL is not available in this browser, so faces are found with WebAssembly on the CPU.';
    else if (gl.software) {
      note = `WebGL runs in software on this computer (${gl.shortName}), so WebAssembly is used: it is faster here.`;
    }
    order.push(...(gl && !gl.software ? (['webgl', 'wasm', 'cpu'] as const) : (['wasm', 'webgl', 'cpu'] as const)));
  } else {
    order.push(preference, ...(['webgl', 'wasm', 'cpu'] as const).filter((b) => b !== preference));
  }
  for (const name of order) {
    if (await trySet(name)) {
      if (name !== order[0]) {
        note = `${label(order[0]!)} could not start here; using ${label(name)} instead.${name === 'cpu' ? ' Recognition will be slow.' : ''}`;
      }
      return { backend: name, note };
    }
  }
  throw new Error('No TensorFlow.js backend could start in this browser. Try a current Chrome, Edge or Firefox.');
}

export function label(name: BackendName): string {
  return { webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' }[name];
}

/**
 * Chooses the tfjs backend: on a real GPU the faster of WebGL and WebAssembly, measured once per device;
 * WebAssembly (SIMD) where WebGL is missing or only emulated in software; the plain CPU backend last. The choice and the reason for it are shown in the app. Runs in the
 * page and in the face engine's worker alike (no DOM). WebAssembly runs on as many threads as the computer
 * has cores where the page is cross-origin isolated (tfjs would take half), and on one thread otherwise.
 */
import { m } from '../paraglide/messages';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { deviceKey, measureCurrentBackend, pickFastest, type MeasuredBackend } from './backend-bench';

export type BackendName = 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
  readonly backend: BackendName;
  /** Why this one, in words for the teacher; empty when the first choice simply worked. */
  readonly note: string;
  /** WebAssembly threads (1 for the other backends). */
  readonly threads: number;
  /** The measurement the choice rests on (made now or kept for this device); null where none was needed. */
  readonly measured: MeasuredBackend | null;
  /** True where the measurement was made by this start. */
  readonly measuredNow: boolean;
}

let wasmPathsSet = false;

/** Threads WebAssembly will use: every core where threads can run (cross-origin isolation), else one. */
export function wasmThreadsWanted(): number {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return isolated ? Math.max(1, Math.min(cores, 8)) : 1;
}

function prepareWasm(): void {
  if (wasmPathsSet) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  setThreadsCount(wasmThreadsWanted());
  wasmPathsSet = true;
}

/** The GPU behind WebGL, or null where WebGL2 is missing. */
export function probeWebgl(): { renderer: string; software: boolean; shortName: string } | null {
  const gl =
    typeof document !== 'undefined'
      ? document.createElement('canvas').getContext('webgl2')
      : new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.exec(renderer);
  return { renderer, software: software !== null, shortName: software ? software[0] : renderer };
}

/**
 * WebGL passes tensor shapes to its shaders as uniforms instead of baking them in, so one compiled
 * program serves every pyramid level and batch size: measured with `npm run bench:detect -- --profile
 * webgl` (SwiftShader, 2026-12-03), MTCNN's first pass over six frames (where shaders compile) took
 * 18.8 s instead of 34.7 s and 16.2 s instead of 24.1 s in two runs, the frames after it no slower.
 */
function prepareWebgl(): void {
  tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'wasm') prepareWasm();
  if (name === 'webgl') prepareWebgl();
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

export interface BackendOptions {
  /** The choice measured on this device before (kept by the page), if any. */
  readonly measured?: MeasuredBackend | null;
  /** Measure again, even where a choice for this device is kept (Settings: "Measure this computer again"). */
  readonly remeasure?: boolean;
  /** Measure WebGL also where it runs in software (`?measure=all`, for checks: software WebGL always loses). */
  readonly measureSoftware?: boolean;
}

/** "WebGL 12 ms, WebAssembly 80 ms": a measurement's times, fastest first. */
export function measuredTimes(ms: MeasuredBackend['ms']): string {
  return (Object.entries(ms) as [BackendName, number][])
    .sort((a, b) => a[1] - b[1])
    .map(([name, t]) => `${label(name)} ${t < 10 ? t.toFixed(1) : Math.round(t)} ms`)
    .join(', ');
}

/**
 * Sets the backend. `auto` measures where the answer is not known: on a real GPU, WebGL and WebAssembly
 * each run a stand-in frame (`backend-bench.ts`) and the faster is used, measured once per device (the
 * page keeps `choice.measured` and hands it back next time). Where WebGL is missing or runs in software
 * (many times slower than WebAssembly there) WebAssembly is used without measuring. A named backend that
 * fails falls back to the others, and the note says so.
 */
export async function selectBackend(
  preference: BackendPreference = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const order: BackendName[] = [];
  let note = '';
  let measured: MeasuredBackend | null = null;
  let measuredNow = false;
  if (preference === 'auto') {
    const gl = probeWebgl();
    const key = deviceKey(
      gl?.renderer ?? null,
      typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1,
      typeof navigator !== 'undefined' ? navigator.userAgent : '',
    );
    if (!gl) note = m.backend_no_webgl();
    else if (gl.software && !options.measureSoftware) {
      note = m.backend_software_webgl({ renderer: gl.shortName });
    } else if (options.measured?.key === key && !options.remeasure) {
      measured = options.measured;
      note = m.backend_kept({ date: options.measured.at.slice(0, 10), times: measuredTimes(options.measured.ms) });
    } else {
      const fastest = await pickFastest(['webgl', 'wasm'], trySet, () => measureCurrentBackend());
      if (fastest) {
        measured = { key, backend: fastest.backend, ms: fastest.ms, at: new Date().toISOString() };
        measuredNow = true;
        note = m.backend_measured({ times: measuredTimes(fastest.ms), backend: label(fastest.backend) });
      }
    }
    const first: BackendName = measured?.backend ?? (gl && !gl.software ? 'webgl' : 'wasm');
    order.push(first, ...(['webgl', 'wasm', 'cpu'] as const).filter((b) => b !== first));
  } else {
    order.push(preference, ...(['webgl', 'wasm', 'cpu'] as const).filter((b) => b !== preference));
  }
  for (const name of order) {
    if (await trySet(name)) {
      if (name !== order[0]) {
        note = `${m.backend_fallback({ failed: label(order[0]!), used: label(name) })}${name === 'cpu' ? ` ${m.backend_slow()}` : ''}`;
        measured = null;
      }
      const threads = name === 'wasm' ? await wasmThreads() : 1;
      return { backend: name, note: withThreads(name, note, threads), threads, measured, measuredNow };
    }
  }
  throw new Error('No TensorFlow.js backend could start in this browser. Try a current Chrome, Edge or Firefox.');
}

/**
 * Threads the WebAssembly backend runs on: those asked for where its threaded build runs. (tfjs's own
 * `getThreadsCount()` answers 1 whatever runs: measured here, a convolution on a 1280×720 frame takes 1,045 ms
 * with one thread asked for and 682 ms with two, while it says 1 for both.)
 */
async function wasmThreads(): Promise<number> {
  return (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? wasmThreadsWanted() : 1;
}

/**
 * Runs WebAssembly on one thread whatever the page allows: for the engine on the page's thread, whose
 * bundle cannot start tfjs's threads (its minifier rewrites the code tfjs copies into each thread).
 */
export function singleThreadedWasm(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/** The note, with why WebAssembly runs on one thread where it does. */
function withThreads(name: BackendName, note: string, threads: number): string {
  if (name !== 'wasm') return note;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  if (threads > 1 || cores < 2) return note;
  const why =
    typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated
      ? m.backend_one_thread_page()
      : m.backend_one_thread_isolation();
  return note ? `${note} ${why}` : why;
}

/** The WebGL context tfjs draws with, where WebGL is the backend in use. */
function webglContext(): WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/** Whether the WebGL backend's context was lost: its results can no longer be trusted, nor its weights read. */
export function webglContextLost(): boolean {
  return webglContext()?.isContextLost() ?? false;
}

/** Loses the WebGL backend's context on purpose, as a driver reset would (`?lose-webgl-after=`, for checks). */
export function loseWebglContext(): void {
  webglContext()?.getExtension('WEBGL_lose_context')?.loseContext();
}

export function label(name: BackendName): string {
  return { webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' }[name];
}

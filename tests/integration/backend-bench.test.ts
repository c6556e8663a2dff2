import { beforeAll, describe, expect, it } from 'vitest';
import { deviceKey, measureCurrentBackend, pickFastest } from '../../src/services/backend-bench';
import type { BackendName } from '../../src/services/tf-backend';
import { measuredTimes } from '../../src/services/tf-backend';
import { tf, useWasm } from '../helpers/tf-node';

describe('the backend micro-benchmark', () => {
  beforeAll(useWasm);

  it('times the stand-in frame on the backend in use and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const ms = await measureCurrentBackend();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(60_000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes the best of the timed runs, not the first (which compiles and warms)', async () => {
    const times = [0, 100, 200, 230, 300, 410];
    let i = 0;
    // The clock is read around the three timed runs only (the first run is not timed): 100, 30 and 110 "ms".
    const ms = await measureCurrentBackend(() => times[i++]!);
    expect(ms).toBe(30);
  });

  it('picks the fastest backend that starts, skipping those that do not start or fail', async () => {
    const timing: Record<BackendName, number> = { webgl: 12, wasm: 80, cpu: 900 };
    let current: BackendName = 'cpu';
    const use = (name: BackendName) => {
      current = name;
      return Promise.resolve(true);
    };
    expect(await pickFastest(['webgl', 'wasm'], use, () => Promise.resolve(timing[current]))).toEqual({
      backend: 'webgl',
      ms: { webgl: 12, wasm: 80 },
    });
    timing.webgl = 420;
    expect((await pickFastest(['webgl', 'wasm'], use, () => Promise.resolve(timing[current])))?.backend).toBe('wasm');
    const noWebgl = (name: BackendName) => (name === 'webgl' ? Promise.resolve(false) : use(name));
    expect(await pickFastest(['webgl', 'wasm'], noWebgl, () => Promise.resolve(timing[current]))).toEqual({
      backend: 'wasm',
      ms: { wasm: 80 },
    });
    const webglFails = () => (current === 'webgl' ? Promise.reject(new Error('context lost')) : Promise.resolve(80));
    expect((await pickFastest(['webgl', 'wasm'], use, webglFails))?.backend).toBe('wasm');
    expect(
      await pickFastest(
        ['webgl'],
        () => Promise.resolve(false),
        () => Promise.resolve(1),
      ),
    ).toBeNull();
  });

  it('keys a measurement to the GPU, the cores and the browser version', () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const key = deviceKey('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)', 8, ua);
    expect(key).toBe('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620) | 8 cores | Chrome 156');
    expect(deviceKey('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)', 8, ua.replace('156', '157'))).not.toBe(key);
    expect(deviceKey(null, 2, ua)).toBe('no WebGL | 2 cores | Chrome 156');
  });

  it('says the times fastest first', () => {
    expect(measuredTimes({ webgl: 421.4, wasm: 83.2 })).toBe('WebAssembly 83 ms, WebGL 421 ms');
    expect(measuredTimes({ webgl: 4.25 })).toBe('WebGL 4.3 ms');
  });
});

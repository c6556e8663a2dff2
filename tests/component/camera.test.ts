/**
 * `reopenCamera`: when a camera that ended is tried again, and when not; `bothStarted`: a camera never stays
 * on beside an engine that failed. The browser's media devices are a small stand-in here (jsdom has none);
 * the real camera coming back is the browser suite's (teacher-data).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bothStarted, reopenCamera, type PlayingCamera } from '../../src/services/camera';

class FakeDevices extends EventTarget {
  cameras = ['cam-a'];
  /** Why getUserMedia fails ('' where it opens the camera). */
  failure = '';
  opened: { deviceId: string; stopped: boolean }[] = [];
  asked = 0;

  enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve(this.cameras.map((deviceId) => ({ deviceId, kind: 'videoinput' }) as MediaDeviceInfo));
  }

  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    this.asked += 1;
    if (this.failure) return Promise.reject(new DOMException('busy', this.failure));
    const wanted = (constraints.video as MediaTrackConstraints).deviceId as { exact: string } | undefined;
    const camera = { deviceId: wanted?.exact ?? this.cameras[0]!, stopped: false };
    this.opened.push(camera);
    const track = { stop: () => (camera.stopped = true) };
    return Promise.resolve({ getTracks: () => [track], id: camera.deviceId } as unknown as MediaStream);
  }
}

let devices: FakeDevices;
let permission: PermissionState;

const settle = () => new Promise((r) => setTimeout(r, 30));

beforeEach(() => {
  devices = new FakeDevices();
  permission = 'granted';
  Object.defineProperty(navigator, 'mediaDevices', { value: devices, configurable: true });
  Object.defineProperty(navigator, 'permissions', {
    value: { query: () => Promise.resolve({ state: permission }) },
    configurable: true,
  });
});

afterEach(() => {
  Reflect.deleteProperty(navigator, 'mediaDevices');
  Reflect.deleteProperty(navigator, 'permissions');
});

describe('reopenCamera', () => {
  it('opens the same camera again once it is plugged in, and not another one', async () => {
    devices.cameras = [];
    const wait = new AbortController();
    let result: MediaStream | null | undefined;
    void reopenCamera({ deviceId: 'cam-a' }, wait.signal, 60_000).then((s) => (result = s));

    await settle();
    expect(devices.asked).toBe(0);
    // Another camera plugged in: not the one that ended.
    devices.cameras = ['cam-b'];
    devices.dispatchEvent(new Event('devicechange'));
    await settle();
    expect(devices.asked).toBe(0);
    expect(result).toBeUndefined();

    devices.cameras = ['cam-b', 'cam-a'];
    devices.dispatchEvent(new Event('devicechange'));
    await settle();
    expect(devices.opened.map((c) => c.deviceId)).toEqual(['cam-a']);
    expect(result?.id).toBe('cam-a');

    // Done: a later change opens nothing more.
    devices.dispatchEvent(new Event('devicechange'));
    await settle();
    expect(devices.asked).toBe(1);
  });

  it('tries again while another app holds the camera, until it lets go', async () => {
    devices.failure = 'NotReadableError';
    const opened = reopenCamera({ deviceId: 'cam-a' }, new AbortController().signal, 20);
    await new Promise((r) => setTimeout(r, 120));
    expect(devices.asked).toBeGreaterThanOrEqual(2);
    expect(devices.opened).toEqual([]);
    devices.failure = '';
    expect((await opened)?.id).toBe('cam-a');
  });

  it('never asks where the permission is no longer granted (the browser would prompt the class)', async () => {
    permission = 'prompt';
    const wait = new AbortController();
    const opened = reopenCamera({}, wait.signal, 20);
    devices.dispatchEvent(new Event('devicechange'));
    await new Promise((r) => setTimeout(r, 100));
    expect(devices.asked).toBe(0);
    wait.abort();
    expect(await opened).toBeNull();
  });

  it('gives up when aborted, closing a camera that opened meanwhile', async () => {
    const wait = new AbortController();
    const opened = reopenCamera({}, wait.signal, 60_000);
    // The camera opens just after the abort: it is closed again.
    const open = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) => {
      wait.abort();
      return open(constraints);
    };
    devices.dispatchEvent(new Event('devicechange'));
    expect(await opened).toBeNull();
    await settle();
    expect(devices.opened).toEqual([{ deviceId: 'cam-a', stopped: true }]);
  });
});

describe('bothStarted', () => {
  const playing = () => {
    const camera = { stopped: false, stream: {} as MediaStream, deviceId: 'cam-a', ended: false };
    return Object.assign(camera, { stop: () => (camera.stopped = true) });
  };

  it('gives the engine and the camera once both started', async () => {
    const camera = playing();
    expect(await bothStarted(Promise.resolve('engine'), Promise.resolve<PlayingCamera>(camera))).toEqual([
      'engine',
      camera,
    ]);
    expect(camera.stopped).toBe(false);
  });

  it('closes a camera that plays beside an engine that failed, and says why the engine failed', async () => {
    const camera = playing();
    const slowCamera = new Promise<PlayingCamera>((r) => setTimeout(() => r(camera), 20));
    await expect(bothStarted(Promise.reject(new Error('model file broken')), slowCamera)).rejects.toThrow(
      'model file broken',
    );
    expect(camera.stopped).toBe(true);
  });

  it('says why the camera failed', async () => {
    await expect(bothStarted(Promise.resolve('engine'), Promise.reject(new Error('camera blocked')))).rejects.toThrow(
      'camera blocked',
    );
  });
});

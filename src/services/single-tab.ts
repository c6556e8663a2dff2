/**
 * Only one tab runs live attendance at a time: two would open the camera twice, and each would write
 * sightings from its own view of who is marked. An exclusive Web Lock, held while the camera runs and let go
 * at Stop (or when the tab closes or crashes: the browser releases it), decides.
 */
const LIVE_LOCK = 'face-attendance-live';

/** Takes the live-attendance lock; returns its release, or null where another tab holds it. */
export function holdLiveLock(): Promise<(() => void) | null> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    void navigator.locks.request(LIVE_LOCK, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise<void>((release) => resolve(release));
    });
  });
}

/**
 * Model files are read through an `AssetReader`, so that the same loading code serves the page (fetch), a
 * worker and Node (the file system).
 */
import { ModelLoadError } from './errors';

export type AssetReader = (path: string) => Promise<ArrayBuffer>;

/** Reads assets over HTTP from `baseUrl` (a folder URL, with or without a trailing slash). */
export function httpAssetReader(baseUrl: string): AssetReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (path) => {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${base + path}`);
    return response.arrayBuffer();
  };
}

/** Hex SHA-256 of a buffer, or null where Web Crypto is not available (an insecure http page). */
export async function sha256Hex(data: ArrayBuffer): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Expected size and SHA-256 of a model file. */
export interface FileCheck {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Reads a model file, checked against `expected` where given. Every failure is a `ModelLoadError` that
 * names the file and says what to do.
 */
export async function readModelFile(read: AssetReader, path: string, expected?: FileCheck): Promise<ArrayBuffer> {
  let data: ArrayBuffer;
  try {
    data = await read(path);
  } catch (cause) {
    throw new ModelLoadError(
      path,
      `Could not read the model file ${path}. Run \`npm run models\` (or reload the app to fetch it anew). ${String(cause)}`,
      { cause },
    );
  }
  if (!expected) return data;
  if (data.byteLength !== expected.bytes) {
    throw new ModelLoadError(
      path,
      `${path} is ${data.byteLength} bytes, not ${expected.bytes}: it is truncated or corrupt. Run \`npm run models\` again (or reload the app to fetch it anew).`,
    );
  }
  const digest = await sha256Hex(data);
  if (digest !== null && digest !== expected.sha256) {
    throw new ModelLoadError(
      path,
      `${path} is corrupt (its SHA-256 is ${digest}, not ${expected.sha256}). Run \`npm run models\` again (or reload the app to fetch it anew).`,
    );
  }
  return data;
}

/** Parses a model file as JSON; a file that does not parse is a `ModelLoadError` naming it. */
export function parseModelJson<T>(data: ArrayBuffer, path: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as T;
  } catch (cause) {
    throw new ModelLoadError(
      path,
      `The model file ${path} is not valid JSON: it is corrupt. Run \`npm run models\` again.`,
      {
        cause,
      },
    );
  }
}

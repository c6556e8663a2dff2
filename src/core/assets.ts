/**
 * Model files are read through an `AssetReader`, so that the same loading code serves the page (fetch), a
 * worker and Node (the file system).
 */
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

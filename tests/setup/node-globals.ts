// Browser globals that some browser libraries use and Node 20 lacks (dexie-export-import reads `self` at
// import time and reads Blobs with FileReader). In Node they are filled in from what Node has.
(globalThis as { self?: typeof globalThis }).self ??= globalThis;

type Result = string | ArrayBuffer | null;

/** FileReader over Node's Blob, for the three reads dexie-export-import makes. */
class NodeFileReader {
  result: Result = null;
  error: unknown = null;
  readyState = 0;
  onload: ((event: { target: NodeFileReader }) => void) | null = null;
  onerror: ((event: { target: NodeFileReader }) => void) | null = null;
  onabort: ((event: { target: NodeFileReader }) => void) | null = null;

  readAsArrayBuffer(blob: Blob): void {
    this.read(blob.arrayBuffer());
  }
  readAsText(blob: Blob): void {
    this.read(blob.text());
  }
  readAsDataURL(blob: Blob): void {
    this.read(
      blob
        .arrayBuffer()
        .then((b) => `data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(b).toString('base64')}`),
    );
  }
  abort(): void {
    this.onabort?.({ target: this });
  }
  private read(p: Promise<Result>): void {
    this.readyState = 1;
    p.then(
      (r) => {
        this.result = r;
        this.readyState = 2;
        this.onload?.({ target: this });
      },
      (e: unknown) => {
        this.error = e;
        this.readyState = 2;
        this.onerror?.({ target: this });
      },
    );
  }
}

(globalThis as { FileReader?: unknown }).FileReader ??= NodeFileReader;

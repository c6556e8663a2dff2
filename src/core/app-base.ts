/**
 * The app's own address (where index.html lies), from which its model files and caches are named. The page
 * knows it (`document.baseURI`); a worker is told it, since its own address is that of its script.
 */
let base: string | null = null;

export function setAppBase(url: string): void {
  base = url;
}

/** The app's address as the page sees it: Vite's base path (`./` in the build) against the page's address. */
export function pageAppBase(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

export function appBase(): string {
  if (base) return base;
  if (typeof document !== 'undefined') return pageAppBase();
  throw new Error('The app base address is not set in this worker: call setAppBase() first.');
}

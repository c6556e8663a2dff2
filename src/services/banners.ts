/**
 * Arrival banners on the live attendance screen: every arrival gets its own, shown for `keepMs`, so three
 * students marked by one frame show three banners (one replacing the next would hide two of them).
 */
export interface Banner {
  readonly id: number;
  readonly text: string;
}

export class BannerQueue {
  private items: Banner[] = [];
  private counter = 0;

  constructor(
    private readonly onChange: (items: readonly Banner[]) => void,
    private readonly keepMs = 3500,
    // A wrapper: the browser's setTimeout called as a method of this object throws "Illegal invocation".
    private readonly later: (run: () => void, ms: number) => unknown = (run, ms) => setTimeout(run, ms),
  ) {}

  /** Shows `text` beside the banners already shown; it goes away by itself after `keepMs`. */
  show(text: string): void {
    const banner = { id: ++this.counter, text };
    this.items = [...this.items, banner];
    this.onChange(this.items);
    this.later(() => {
      this.items = this.items.filter((b) => b !== banner);
      this.onChange(this.items);
    }, this.keepMs);
  }
}

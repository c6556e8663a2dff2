/**
 * Text written as a Windows code page, as Excel's "CSV (Comma delimited)" does: each character becomes the
 * byte that the browser's own decoder reads back as it. Windows-1258 holds only some precomposed Vietnamese
 * letters; the rest are a base letter and a combining tone mark, as Vietnamese Windows writes them.
 */
export function encodeCodePage(text: string, encoding: 'windows-1252' | 'windows-1258'): Uint8Array<ArrayBuffer> {
  const decoder = new TextDecoder(encoding);
  const byChar = new Map<string, number>();
  for (let b = 0; b < 256; b++) byChar.set(decoder.decode(new Uint8Array([b])), b);
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const direct = byChar.get(ch);
    if (direct !== undefined) {
      out.push(direct);
      continue;
    }
    // A precomposed letter the code page has (ê), then the other marks one by one (a combining dot below).
    const [base, ...marks] = [...ch.normalize('NFD')];
    let written = false;
    for (let keep = (1 << marks.length) - 1; keep >= 0 && !written; keep--) {
      const kept = marks.filter((_, i) => keep & (1 << i));
      const rest = marks.filter((_, i) => !(keep & (1 << i)));
      const head = byChar.get((base! + kept.join('')).normalize('NFC'));
      if (head === undefined || rest.some((m) => byChar.get(m) === undefined)) continue;
      out.push(head, ...rest.map((m) => byChar.get(m)!));
      written = true;
    }
    if (!written) throw new Error(`${encoding} cannot write "${ch}"`);
  }
  return new Uint8Array(out);
}

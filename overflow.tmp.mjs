import { chromium } from 'playwright-core';
const [url, w, h, lang] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: +w, height: +h } });
await p.addInitScript((l) => localStorage.setItem('PARAGLIDE_LOCALE', l), lang);
for (const s of ['students', 'attendance', 'settings', 'records']) {
  await p.goto(url + '#/' + s);
  await p.waitForTimeout(1500);
  const out = await p.evaluate(() => {
    const W = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > W + 1)
      .slice(0, 12)
      .map(
        (e) =>
          `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)} "${(e.textContent || '').slice(0, 30)}"`,
      );
  });
  console.log(s, out);
}
await b.close();

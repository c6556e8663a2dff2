/**
 * Fault tests: the browser is killed (SIGKILL, no chance to clean up) while the app's repositories write
 * enrolment photos, attendance marks, a trained classifier or a restore into Chromium's IndexedDB, then
 * started again on the same profile. Every write confirmed before the kill is there, nothing is half
 * written (`checkIntegrity`: no photo without its student, counts equal to the photos, no pack naming a
 * missing photo, no record without its session, one classifier a model), and the database takes writes again.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openReadyPage, serveProjectPages } from '../helpers/chromium';

let pages: Awaited<ReturnType<typeof serveProjectPages>>;
let url: string;

beforeAll(async () => {
  pages = await serveProjectPages();
  url = pages.url('/tests/browser/pages/crash.html');
});

afterAll(async () => {
  await pages?.close();
});

type Loop = 'enrolForever' | 'attendForever' | 'trainForever' | 'restoreForever';

interface Checked {
  students: number;
  samples: number;
  records: number;
  classifiers: number;
  problems: string[];
  studentIds: string[];
  trainedAt: string[];
  perSession: Record<string, string[]>;
}

/** Every process of the Chromium running on `profileDir` (found in /proc), killed at once with SIGKILL. */
function killBrowser(profileDir: string): number {
  const flag = `--user-data-dir=${profileDir}`;
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(flag);
      } catch {
        return false;
      }
    })
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already with its parent.
    }
  }
  return pids.length;
}

/**
 * Runs `loop` in a fresh profile until `confirmedAtLeast` writes were confirmed, kills the browser a few
 * milliseconds later (mid-write, most likely), relaunches it on the profile and reads everything back.
 * Returns the last confirmation seen before the kill and what the database holds after.
 */
async function crashDuring(
  loop: Loop,
  confirmedAtLeast: number,
): Promise<{ last: string; count: number; after: Checked; writesAgain: number }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'fa-crash-'));
  const context = await launchChromium({ profileDir });
  const page = await context.newPage();
  await openReadyPage(page, url);
  let count = 0;
  let last = '';
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (reached = resolve));
  page.on('console', (m) => {
    const match = /^confirmed \S+ (.+)$/.exec(m.text());
    if (!match) return;
    count++;
    last = match[1]!;
    if (count >= confirmedAtLeast) reached();
  });
  void page
    .evaluate((name) => (window as unknown as Record<Loop, () => Promise<void>>)[name](), loop)
    .catch(() => {
      // The page dies with the browser.
    });
  await enough;
  await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 40)));
  const seen = { last, count };
  expect(killBrowser(profileDir)).toBeGreaterThan(0);
  await context.close().catch(() => undefined);

  const again = await launchChromium({ profileDir });
  try {
    const relaunched: Page = await again.newPage();
    await openReadyPage(relaunched, url);
    const after = await relaunched.evaluate(() => (window as unknown as { check(): Promise<Checked> }).check());
    const writesAgain = await relaunched.evaluate(() =>
      (window as unknown as { writeAgain(): Promise<number> }).writeAgain(),
    );
    console.log(
      `${loop}: killed after ${seen.count} confirmed writes (last ${seen.last}); relaunched: ${after.students} students, ${after.samples} photos, ${after.records} records, ${after.classifiers} classifiers, ${after.problems.length} problems`,
    );
    return { ...seen, after, writesAgain };
  } finally {
    await again.close();
  }
}

describe('the browser killed mid-write, then started again on the same profile', () => {
  it('during enrolment: every confirmed photo is there, each batch whole, the counts right', async () => {
    const { last, after, writesAgain } = await crashDuring('enrolForever', 8);
    expect(after.problems).toEqual([]);
    // Batches of 3 photos, each in one transaction: never a part of one.
    expect(after.samples % 3).toBe(0);
    expect(after.samples).toBeGreaterThanOrEqual(Number(last));
    expect(writesAgain).toBe(1);
  });

  it('during attendance: every confirmed mark is there, no record without its session', async () => {
    const { last, after, writesAgain } = await crashDuring('attendForever', 40);
    expect(after.problems).toEqual([]);
    const [sessionId, marks] = last.split(' ').map(Number) as [number, number];
    expect((after.perSession[sessionId] ?? []).length).toBeGreaterThanOrEqual(marks);
    // Every earlier session holds the whole class.
    for (const [id, records] of Object.entries(after.perSession)) {
      if (Number(id) < sessionId) expect(records).toHaveLength(30);
      expect(records.every((r) => r.endsWith(':present'))).toBe(true);
    }
    expect(writesAgain).toBe(1);
  });

  it('while a trained classifier is saved: one classifier, the last confirmed or a newer one', async () => {
    const { last, after, writesAgain } = await crashDuring('trainForever', 6);
    expect(after.problems).toEqual([]);
    expect(after.classifiers).toBe(1);
    expect(Number(after.trainedAt[0]!.slice(1))).toBeGreaterThanOrEqual(Number(last));
    expect(writesAgain).toBe(1);
  });

  it('during a restore: the data before it or the restored data, whole, never a mix or nothing', async () => {
    const { after, writesAgain } = await crashDuring('restoreForever', 3);
    expect(after.problems).toEqual([]);
    const a = Array.from({ length: 12 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`);
    const b = Array.from({ length: 8 }, (_, i) => `B${String(i + 1).padStart(2, '0')}`);
    expect([a, b]).toContainEqual(after.studentIds);
    expect(after.samples).toBe(after.studentIds.length * 3);
    expect(writesAgain).toBe(1);
  });
});

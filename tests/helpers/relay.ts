/** The EmailJS fields of the Settings screen filled as a teacher would (each field left with Tab). */
import type { Page } from 'playwright-core';

export async function fillRelaySettings(page: Page, appUrl: string, recipients: string): Promise<void> {
  await page.goto(`${appUrl}#/settings`);
  for (const [label, value] of [
    ['Public key', 'test-public-key'],
    ['Service ID', 'service_school'],
    ['Template ID', 'template_report'],
    ['Recipients (separated by commas)', recipients],
  ] as const) {
    await page.getByLabel(label).fill(value);
    await page.getByLabel(label).press('Tab');
  }
}

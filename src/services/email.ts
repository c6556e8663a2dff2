/**
 * Sending attendance.csv by e-mail through the teacher's own EmailJS account (a relay: the browser cannot
 * speak SMTP), and the ways without one: the system share sheet, a mailto: link, a download. Nothing is
 * sent unless the teacher presses a button. Offline, sending is refused with what to do instead (no queue:
 * a report sent hours later, unseen, is worse than one the teacher sends when back online).
 */
import { send, EmailJSResponseStatus } from '@emailjs/browser';
import { RelayError } from '../core/errors';
import type { AppSettings } from '../db/settings';

/** How long the relay has to answer before the teacher is told (the request itself cannot be cancelled). */
export const RELAY_TIMEOUT_MS = 20_000;

/** EmailJS's limit on a whole request on the free plan (paid plans: about 500 KB). */
export const RELAY_LIMIT_BYTES = 50 * 1024;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** The recipients, checked: a `RelayError` names a wrong address. */
export function parseRecipients(text: string): string[] {
  const list = text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new RelayError('Add at least one recipient e-mail address in Settings.');
  const wrong = list.filter((a) => !EMAIL.test(a));
  if (wrong.length) throw new RelayError(`Not an e-mail address: ${wrong.join(', ')}. Correct it in Settings.`);
  return list;
}

/** The file as a data URL, as EmailJS's variable attachments take it. */
export function csvDataUrl(csv: string): string {
  const bytes = new TextEncoder().encode(csv);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:text/csv;base64,${btoa(binary)}`;
}

export interface Report {
  readonly subject: string;
  /** A short summary for the body. */
  readonly summary: string;
  readonly csv: string;
  readonly fileName: string;
}

type RelaySettings = Pick<AppSettings, 'relayPublicKey' | 'relayServiceId' | 'relayTemplateId' | 'recipients'>;

function relayError(error: unknown): RelayError {
  if (error instanceof EmailJSResponseStatus) {
    const detail = error.text ? ` (EmailJS said: ${error.text.slice(0, 200)})` : '';
    if (error.status === 0 || error.status >= 500)
      return new RelayError(
        `The relay could not be reached or failed${detail}. Nothing was sent; try again in a minute.`,
      );
    // EmailJS answers a wrong public key with 400 "The Public Key is invalid" (401/403 on some paths).
    if (error.status === 401 || error.status === 403 || /public key|user id/i.test(error.text ?? ''))
      return new RelayError(
        `EmailJS refused the public key${detail}. Check it in Settings (EmailJS dashboard, Account), and that this site's address is allowed there.`,
      );
    if (error.status === 413)
      return new RelayError(`The report is too large for EmailJS${detail}. Send one session or a shorter date range.`);
    if (error.status === 429)
      return new RelayError(`EmailJS's sending limit was reached${detail}. Wait a little, then send again.`);
    return new RelayError(
      `EmailJS refused the message${detail}. Check the service ID and template ID in Settings, and that the template has a variable attachment named "attachment".`,
    );
  }
  if (typeof error === 'string') return new RelayError(`${error.split('. Visit')[0]}: fill it in Settings.`);
  return new RelayError(
    'The relay could not be reached (no connection?). Nothing was sent; check the connection and send again, or use Download or Share.',
    { cause: error },
  );
}

/**
 * Sends `report` with its CSV attached to exactly the recipients in `settings` (checked before any request);
 * returns them. Throws `RelayError` saying what to do.
 */
export async function sendReport(
  settings: RelaySettings,
  report: Report,
  timeoutMs = RELAY_TIMEOUT_MS,
): Promise<string[]> {
  const to = parseRecipients(settings.recipients);
  if (!settings.relayPublicKey || !settings.relayServiceId || !settings.relayTemplateId) {
    throw new RelayError('E-mail is not set up: enter the EmailJS public key, service ID and template ID in Settings.');
  }
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    throw new RelayError(
      'This computer is offline, so nothing was sent (reports are not queued). Send again when back online, or use Download.',
    );
  }
  const attachment = csvDataUrl(report.csv);
  if (attachment.length > RELAY_LIMIT_BYTES) {
    throw new RelayError(
      `The CSV is ${Math.ceil(attachment.length / 1024)} KB once attached, over EmailJS's ${RELAY_LIMIT_BYTES / 1024} KB limit (free plan). Send one session or a shorter date range, or use Download or Share.`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RelayError(
            `The relay did not answer within ${Math.round(timeoutMs / 1000)} s, so the report is not known to be sent. Check the connection; ask a recipient whether it arrived before sending again, or use Download.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([
      send(
        settings.relayServiceId,
        settings.relayTemplateId,
        {
          to_email: to.join(','),
          subject: report.subject,
          message: report.summary,
          file_name: report.fileName,
          attachment,
        },
        { publicKey: settings.relayPublicKey },
      ),
      silent,
    ]);
  } catch (error) {
    throw error instanceof RelayError ? error : relayError(error);
  } finally {
    clearTimeout(timer);
  }
  return to;
}

/** A mailto: link with the summary; the teacher attaches the downloaded file by hand. */
export function mailtoLink(recipients: string, report: Pick<Report, 'subject' | 'summary' | 'fileName'>): string {
  const to = recipients
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(encodeURIComponent)
    .join(',');
  const body = `${report.summary}\n\n(Attach ${report.fileName}, saved with Download.)`;
  return `mailto:${to}?subject=${encodeURIComponent(report.subject)}&body=${encodeURIComponent(body)}`;
}

/** Shares the CSV through the system share sheet; false where the browser cannot share files. */
export async function shareCsv(report: Report): Promise<boolean> {
  const file = new File([report.csv], report.fileName, { type: 'text/csv' });
  if (!navigator.canShare?.({ files: [file] })) return false;
  try {
    await navigator.share({ files: [file], title: report.subject, text: report.summary });
  } catch (error) {
    if ((error as DOMException).name === 'AbortError') return true;
    throw error;
  }
  return true;
}

/**
 * Sending attendance.csv by e-mail through the teacher's own EmailJS account (a relay: the browser cannot
 * speak SMTP), and the ways without one: the system share sheet, a mailto: link, a download. Nothing is
 * sent unless the teacher presses a button. Offline, sending is refused with what to do instead (no queue:
 * a report sent hours later, unseen, is worse than one the teacher sends when back online).
 */
import { m } from '../paraglide/messages';
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
  if (list.length === 0) throw new RelayError(m.relay_no_recipient());
  const wrong = list.filter((a) => !EMAIL.test(a));
  if (wrong.length) throw new RelayError(m.relay_not_address({ list: wrong.join(', ') }));
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
    const detail = error.text ? m.relay_said({ text: error.text.slice(0, 200) }) : '';
    if (error.status === 0 || error.status >= 500) return new RelayError(m.relay_failed({ detail }));
    // EmailJS answers a wrong public key with 400 "The Public Key is invalid" (401/403 on some paths).
    if (error.status === 401 || error.status === 403 || /public key|user id/i.test(error.text ?? ''))
      return new RelayError(m.relay_bad_key({ detail }));
    if (error.status === 413) return new RelayError(m.relay_too_large({ detail }));
    if (error.status === 429) return new RelayError(m.relay_limit({ detail }));
    return new RelayError(m.relay_refused({ detail }));
  }
  if (typeof error === 'string') return new RelayError(m.relay_fill_in({ what: error.split('. Visit')[0] ?? error }));
  return new RelayError(m.relay_unreachable(), { cause: error });
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
    throw new RelayError(m.relay_not_set_up());
  }
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    throw new RelayError(m.relay_offline());
  }
  const attachment = csvDataUrl(report.csv);
  if (attachment.length > RELAY_LIMIT_BYTES) {
    throw new RelayError(
      m.relay_csv_too_large({ size: Math.ceil(attachment.length / 1024), limit: RELAY_LIMIT_BYTES / 1024 }),
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RelayError(m.relay_timeout({ seconds: Math.round(timeoutMs / 1000) }))),
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

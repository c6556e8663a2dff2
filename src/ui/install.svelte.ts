/**
 * Installing the app. Chrome and Edge offer it with a `beforeinstallprompt` event, which may come before
 * any screen is drawn: it is caught from the first moment (main.ts imports this first) and kept until the
 * teacher presses "Install app". Where the browser offers no prompt (Safari, Firefox, or Chrome once
 * installed), Settings says how to install by hand.
 */

/** The event Chromium fires when the app may be installed (not in TypeScript's DOM types). */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ readonly outcome: 'accepted' | 'dismissed' }>;
}

export type InstallBrowser = 'chromium' | 'safari' | 'firefox';

/** Which instructions fit the browser, from its user agent string. */
export function installBrowser(userAgent: string): InstallBrowser {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Safari\//.test(userAgent) && !/(Chrome|Chromium|CriOS|Edg)\//.test(userAgent)) return 'safari';
  return 'chromium';
}

class Install {
  /** The browser's offer, while it stands. */
  offer = $state<InstallPromptEvent | null>(null);
  /** Running as the installed app (its own window), or installed during this visit. */
  installed = $state(false);

  listen(target: Window): void {
    this.installed = target.matchMedia?.('(display-mode: standalone)').matches ?? false;
    target.addEventListener('beforeinstallprompt', (event) => {
      event.preventDefault();
      this.offer = event as InstallPromptEvent;
    });
    target.addEventListener('appinstalled', () => {
      this.offer = null;
      this.installed = true;
    });
  }

  /** Shows the browser's install dialog; true when the teacher accepted. */
  async prompt(): Promise<boolean> {
    const offer = this.offer;
    if (!offer) return false;
    await offer.prompt();
    const { outcome } = await offer.userChoice;
    // An offer is used once; the browser makes a new one if the teacher said no.
    this.offer = null;
    return outcome === 'accepted';
  }
}

export const install = new Install();

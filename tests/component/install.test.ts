import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import InstallApp from '../../src/ui/parts/InstallApp.svelte';
import { install, installBrowser, type InstallPromptEvent } from '../../src/ui/install.svelte';

/** The event Chrome fires when the app may be installed, with the teacher's answer to its dialog. */
function offer(outcome: 'accepted' | 'dismissed'): { event: InstallPromptEvent; prompt: ReturnType<typeof vi.fn> } {
  const event = new Event('beforeinstallprompt', { cancelable: true }) as InstallPromptEvent;
  const prompt = vi.fn(() => Promise.resolve());
  Object.assign(event, { prompt, userChoice: Promise.resolve({ outcome }) });
  return { event, prompt };
}

describe('installing the app', () => {
  install.listen(window);

  it('shows "Install app" only while the browser offers it, and opens the browser\'s dialog', async () => {
    render(InstallApp, { button: true });
    expect(screen.queryByRole('button', { name: 'Install app' })).toBeNull();
    const { event, prompt } = offer('accepted');
    window.dispatchEvent(event);
    // The browser's own mini-infobar is held back: the app's button asks instead.
    expect(event.defaultPrevented).toBe(true);
    await fireEvent.click(await screen.findByRole('button', { name: 'Install app' }));
    expect(prompt).toHaveBeenCalledOnce();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Install app' })).toBeNull());
    window.dispatchEvent(new Event('appinstalled'));
    expect(install.installed).toBe(true);
  });

  it('says how to install where the browser offers no button', () => {
    install.installed = false;
    install.offer = null;
    render(InstallApp);
    expect(screen.getByTestId('install-how').textContent).toMatch(/install icon at the right of the address bar/);
    const ua = {
      safari:
        'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      firefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      chrome:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    };
    expect(installBrowser(ua.safari)).toBe('safari');
    expect(installBrowser(ua.firefox)).toBe('firefox');
    expect(installBrowser(ua.chrome)).toBe('chromium');
    expect(installBrowser(ua.edge)).toBe('chromium');
  });
});

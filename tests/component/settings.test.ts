import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/services/data';
import SettingsScreen from '../../src/ui/screens/SettingsScreen.svelte';
import { freshApp } from './helpers';

describe('the Settings screen', () => {
  it('keeps the CSV column language, refuses two PINs that differ, and offers both languages', async () => {
    const app = await freshApp();
    render(SettingsScreen, { app });

    const headers = screen.getByLabelText<HTMLSelectElement>('Column names in exported files (CSV)');
    expect(headers.value).toBe('en');
    await fireEvent.change(headers, { target: { value: 'vi' } });
    await waitFor(async () => expect((await loadSettings(app.db)).csvHeaders).toBe('vi'));

    const languages = screen.getByTestId<HTMLSelectElement>('language');
    expect([...languages.options].map((o) => [o.value, o.textContent])).toEqual([
      ['vi', 'Tiếng Việt'],
      ['en', 'English'],
    ]);

    await fireEvent.input(screen.getByLabelText('PIN (4 to 12 digits)'), { target: { value: '2468' } });
    await fireEvent.input(screen.getByLabelText('PIN again'), { target: { value: '2469' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Set PIN' }));
    expect((await screen.findByText('The two PINs do not match.')).getAttribute('role')).toBe('alert');
    expect((await loadSettings(app.db)).pin).toBeNull();

    // Plain words first; the recogniser's technical names are under Details.
    const model = screen.getByLabelText<HTMLSelectElement>('Recognition model');
    expect(model.selectedOptions[0]!.textContent).toBe('Accurate (recommended)');
    expect(screen.getByTestId('model-detail').textContent).toMatch(/^In detail: FaceRes \+ MobileFace/);
    expect(screen.getByTestId('recognition-details').hasAttribute('open')).toBe(false);
  });
});

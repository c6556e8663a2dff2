import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StudentsScreen from '../../src/ui/screens/StudentsScreen.svelte';
import { freshApp } from './helpers';

describe('the Students screen', () => {
  it('names every missing field, saves a student, and "Save and add another" starts an empty form', async () => {
    const app = await freshApp();
    render(StudentsScreen, { app });
    expect(screen.getByText('No students yet.')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Add student' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Please correct: Student ID is required. Student Name is required. Faculty is required.',
    );
    // Each wrong field says so beside it, for screen readers too.
    const id = screen.getByLabelText('Student ID');
    expect(id.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(id.getAttribute('aria-describedby')!)?.textContent).toBe('Student ID is required.');

    await fireEvent.input(id, { target: { value: 'SV001' } });
    await fireEvent.input(screen.getByLabelText('Student Name'), { target: { value: 'Nguyễn Văn An' } });
    await fireEvent.input(screen.getByLabelText('Faculty'), { target: { value: 'Công nghệ thông tin' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save and add another' }));
    await waitFor(() => expect(app.students.map((s) => s.name)).toEqual(['Nguyễn Văn An']));
    // The form is open again, empty, for the next student (never an edit of the one just saved).
    expect(screen.getByLabelText<HTMLInputElement>('Student ID').value).toBe('');
    expect(screen.getByRole('heading', { name: 'New student' })).toBeTruthy();

    // The same ID in other capitals is refused, next to the field.
    await fireEvent.input(screen.getByLabelText('Student ID'), { target: { value: 'sv001' } });
    await fireEvent.input(screen.getByLabelText('Student Name'), { target: { value: 'Trần Thị Bình' } });
    await fireEvent.input(screen.getByLabelText('Faculty'), { target: { value: 'Kinh tế' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Student ID sv001 is already used by Nguyễn Văn An as SV001: IDs that differ only in capitals are one.',
      ),
    );
    expect(app.students).toHaveLength(1);

    const table = screen.getByRole('table', { name: 'Students' });
    const row = within(table).getByRole('row', { name: /SV001/ });
    expect(within(row).getByTestId('photo-status').textContent?.trim()).toBe('No photos · 0');
  });

  it('searches by name without diacritics and counts what it shows', async () => {
    const app = await freshApp();
    render(StudentsScreen, { app });
    for (const [sid, name] of [
      ['SV1', 'Hương Lê'],
      ['SV2', 'Đức Trần'],
    ]) {
      await fireEvent.click(screen.getByRole('button', { name: 'Add student' }));
      await fireEvent.input(screen.getByLabelText('Student ID'), { target: { value: sid! } });
      await fireEvent.input(screen.getByLabelText('Student Name'), { target: { value: name! } });
      await fireEvent.input(screen.getByLabelText('Faculty'), { target: { value: 'Khoa học' } });
      await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
      await waitFor(() => expect(app.students.some((s) => s.studentId === sid)).toBe(true));
    }
    await fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'huong' } });
    await waitFor(() => expect(screen.getByText('1 shown')).toBeTruthy());
    expect(within(screen.getByRole('table')).queryByText('Đức Trần')).toBeNull();
  });
});

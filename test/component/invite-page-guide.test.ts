import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import InvitePageGuide from '../../renderer/src/components/InvitePageGuide.svelte';
import { setLanguage } from '../../renderer/src/lib/i18n/index.svelte';
import { serverInfo } from './fake-api';

afterEach(() => setLanguage('en'));

describe("the Server tab's guide to the invite web page", () => {
  it("gives the steps for the server's version, checks a pending invite's page, and says what the check found", async () => {
    const asked: string[] = [];
    render(InvitePageGuide, {
      info: serverInfo({ modules: ['invite_desk'], software: { name: 'Prosody', version: '13.0.1' } }),
      check: (url: string) => Promise.resolve(void asked.push(url)).then(() => ({ ok: false, message: 'No page answers there.' })),
      sampleLink: () => Promise.resolve('https://example.org:5281/invites_page?abc'),
    });
    expect(screen.getByText(/mod_invites_page is not loaded on example\.org/)).toBeTruthy();
    expect(screen.getByText(/-t bookworm-backports prosody-modules/)).toBeTruthy();
    expect(screen.getByText(/^For Prosody 13\.0\.1: the invite page comes with the community modules/)).toBeTruthy();
    expect(screen.getByText(/^Install the community modules/)).toBeTruthy();
    expect(screen.getByText(/^Enable the page, and say where people reach it/)).toBeTruthy();
    expect(screen.getByText(/^Load it now, without a restart/)).toBeTruthy();
    expect(screen.getByText(/as in https:\/\/example\.org:5281\/\), or the reverse proxy/)).toBeTruthy();
    const address = screen.getByLabelText<HTMLInputElement>("An invite's web page");
    await waitFor(() => expect(address.value).toBe('https://example.org:5281/invites_page?abc'));
    await fireEvent.click(screen.getByRole('button', { name: 'Check the page' }));
    await screen.findByText('No page answers there.');
    expect(asked).toEqual(['https://example.org:5281/invites_page?abc']);
  });

  it('keeps the steps folded away once the page is loaded', () => {
    render(InvitePageGuide, { info: serverInfo({ modules: ['invite_desk', 'invites_page'] }), check: () => Promise.resolve({ ok: true, message: '' }) });
    expect(screen.getByText(/mod_invites_page is loaded on example\.org/)).toBeTruthy();
    expect(screen.getByText('How it is set up').closest('details')?.open).toBe(false);
  });

  it('words the steps in German, and leaves commands, config lines and module names as they are', () => {
    setLanguage('de');
    render(InvitePageGuide, {
      info: serverInfo({ modules: ['invite_desk'], software: { name: 'Prosody', version: '13.0.1' } }),
      check: () => Promise.resolve({ ok: true, message: '' }),
    });
    expect(screen.getByText(/^Für Prosody 13\.0\.1: Die Einladungsseite gehört zu den Community-Modulen \(prosody-modules\)/)).toBeTruthy();
    expect(screen.getByText(/^Die Community-Module installieren/)).toBeTruthy();
    expect(screen.getByText(/^Die Seite aktivieren und angeben, wo man sie erreicht/)).toBeTruthy();
    expect(screen.getByText(/^Jetzt laden, ohne Neustart/)).toBeTruthy();
    expect(screen.getByText(/invites_page = "https:\/\/example\.org\/join\?t=\{invite\.token\}"/)).toBeTruthy();
    expect(screen.getByText(/wie in https:\/\/example\.org:5281\//)).toBeTruthy();
    const code = [...document.querySelectorAll('pre code')].map((c) => c.textContent);
    expect(code).toEqual([
      'sudo apt-get install -y -t bookworm-backports prosody-modules\nsudo apt-get install -y libjs-bootstrap4 libjs-jquery',
      'http_external_url = "https://example.org/"\nmodules_enabled = { …, "invites_page", "http_libjs" }',
      'sudo prosodyctl reload\nsudo prosodyctl shell module load http_libjs example.org\nsudo prosodyctl shell module load invites_page example.org',
    ]);
    expect(document.body.textContent).not.toMatch(/Install the community modules|Load it now/);
  });
});

import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import InvitePageGuide from '../../renderer/src/components/InvitePageGuide.svelte';
import { serverInfo } from './fake-api';

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
});

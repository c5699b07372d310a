import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import QRCode from 'qrcode';
import InviteCard from '../../renderer/src/components/InviteCard.svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import { qrSvg } from '../../renderer/src/lib/qr';
import type { CreateInvitesRequest, Invite } from '../../common/api';

const invite = (n: number): Invite => ({
  serverId: 's',
  kind: 'account',
  uri: `xmpp:example.org?register;preauth=token${n}`,
  token: `token${n}`,
  expires: '2026-12-24T18:00:00.000Z',
  createdAt: '2026-11-30T10:00:00.000Z',
});

// jsdom has neither the Fullscreen API nor a clipboard; these record what the UI asks of them.
const element = HTMLElement.prototype as unknown as { requestFullscreen?: () => Promise<void> };
afterEach(() => {
  delete element.requestFullscreen;
  vi.unstubAllGlobals();
});

describe('QR codes', () => {
  it('are saved with the 4-module quiet zone the QR standard asks for', async () => {
    const text = 'xmpp:example.org?register;preauth=abcdefghijklmnopqrstuvwx';
    const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size;
    const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(await qrSvg(text));
    expect(Number(viewBox?.[1])).toBe(modules + 8);
  });

  it('show full screen through the Fullscreen API, with the server name and the expiry under the code', async () => {
    const asked: Element[] = [];
    element.requestFullscreen = function requestFullscreen(this: HTMLElement): Promise<void> {
      asked.push(this);
      return Promise.resolve();
    };
    render(InviteCard, { invite: invite(1), link: 'uri', index: 0, domain: 'garden.example' });
    await fireEvent.click(screen.getAllByRole('button').find((b) => b.textContent.startsWith('Show full screen')) as HTMLElement);
    const stage = await screen.findByRole('dialog', { name: 'Invite 1, full screen' });
    await waitFor(() => expect(asked).toEqual([stage]));
    expect(within(stage).getByText('garden.example')).toBeTruthy();
    expect(within(stage).getByText(/^Valid until /)).toBeTruthy();
    await fireEvent.click(within(stage).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('a card', () => {
  const fullscreenStub = (): void => {
    element.requestFullscreen = () => Promise.resolve();
  };
  const showFull = (): Promise<boolean> => fireEvent.click(screen.getAllByRole('button').find((b) => b.textContent.startsWith('Show full screen')) as HTMLElement);

  it('says the role it gives, on the card and full screen', async () => {
    fullscreenStub();
    render(InviteCard, { invite: { ...invite(1), role: 'prosody:admin' }, link: 'uri', index: 0, domain: 'garden.example' });
    expect(screen.getByRole('article').textContent).toContain('Joins as Administrator');
    await showFull();
    expect(within(await screen.findByRole('dialog')).getByText('Joins as Administrator')).toBeTruthy();
  });

  it('says nothing of a role when it gives the default', () => {
    render(InviteCard, { invite: invite(1), link: 'uri', index: 0, domain: 'garden.example' });
    expect(screen.getByRole('article').textContent).not.toContain('Joins as');
  });

  it('promises the camera only for a web page, and gives focus back to its button when closed', async () => {
    fullscreenStub();
    const view = render(InviteCard, { invite: invite(1), link: 'uri', index: 0, domain: 'garden.example' });
    await showFull();
    const stage = await screen.findByRole('dialog');
    expect(stage.textContent).toContain('with an XMPP app such as Conversations or Monal');
    expect(stage.textContent).not.toContain("with your phone's camera to create");
    await fireEvent.click(within(stage).getByRole('button', { name: 'Close' }));
    expect(document.activeElement?.textContent).toMatch(/^Show full screen/);
    view.unmount();

    render(InviteCard, { invite: { ...invite(2), landingUrl: 'https://garden.example/invites_page?token2' }, link: 'landing', index: 0, domain: 'garden.example' });
    await showFull();
    expect((await screen.findByRole('dialog')).textContent).toContain("Scan the code with your phone's camera to create your account.");
  });
});

describe('a batch of invites', () => {
  it('offers to copy all links at once and to print the batch', async () => {
    const copied: string[] = [];
    vi.stubGlobal('navigator', { clipboard: { writeText: (text: string) => Promise.resolve(void copied.push(text)) } });
    const printed = vi.fn();
    vi.stubGlobal('print', printed);
    const create = (request: CreateInvitesRequest): Promise<Invite[]> => Promise.resolve(Array.from({ length: request.count ?? 1 }, (_, i) => invite(i)));
    render(InviteStudio, { serverId: 's', withModule: true, create, domain: 'example.org' });
    await fireEvent.input(screen.getByLabelText('How many'), { target: { value: '3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create 3 invites' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Copy all 3 links' }));
    expect(copied).toEqual([[0, 1, 2].map((i) => `xmpp:example.org?register;preauth=token${i}`).join('\n')]);
    await fireEvent.click(screen.getByRole('button', { name: 'Print these…' }));
    expect(printed).toHaveBeenCalledOnce();
  });
});

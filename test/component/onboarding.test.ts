import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import OnboardingDefaults from '../../renderer/src/components/OnboardingDefaults.svelte';
import SignupList from '../../renderer/src/components/SignupList.svelte';
import Growth from '../../renderer/src/components/Growth.svelte';
import type { CreateInvitesRequest, Invite, LedgerInvite, OnboardingDefaults as Defaults, Room } from '../../common/api';
import type { OnboardingSource } from '../../renderer/src/lib/onboarding';
import { fakeApi, serverInfo } from './fake-api';

const general: Room = { jid: 'general@conference.example.org', name: 'General', membersOnly: false, occupants: 3 };
const chess: Room = { jid: 'chess@conference.example.org', name: 'Chess', membersOnly: true, occupants: 0 };
const defaults: Defaults = { serverId: 's', community: 'Club', rooms: [general.jid], contacts: ['mod@example.org'], welcome: 'Hi {name}' };

/** A server whose rooms are `listings` in turn (the last one from then on), and what the studio asked it to create. */
function studio(listings: Room[][]): { requests: CreateInvitesRequest[]; source: OnboardingSource } {
  const requests: CreateInvitesRequest[] = [];
  let asked = 0;
  const source: OnboardingSource = {
    domain: 'example.org',
    account: 'admin@example.org',
    rooms: () => Promise.resolve(listings[Math.min(asked++, listings.length - 1)] ?? []),
    defaults: () => Promise.resolve(defaults),
  };
  render(InviteStudio, {
    serverId: 's',
    withModule: true,
    onboarding: source,
    create: (request: CreateInvitesRequest): Promise<Invite[]> => Promise.resolve(void requests.push(request)).then(() => []),
  });
  return { requests, source };
}

describe('what new members get, in the studio, the feed, the ledger’s figures and the server’s defaults', () => {
  it('leaves an invite to the server’s defaults unless the admin gives it a set of its own', async () => {
    const { requests } = studio([[general, chess]]);
    expect(await screen.findByText('(#general · 1 contact · a welcome)')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.onboarding).toBeUndefined();

    await fireEvent.click(screen.getByRole('radio', { name: 'Rooms, contacts and a welcome for these invites' }));
    const rooms = screen.getByRole('group', { name: 'Rooms to join' });
    // It starts from the defaults.
    expect(within(rooms).getByRole<HTMLInputElement>('checkbox', { name: /General/ }).checked).toBe(true);
    await fireEvent.click(within(rooms).getByRole('checkbox', { name: /Chess/ }));
    await fireEvent.input(screen.getByLabelText('Add a contact'), { target: { value: 'bob' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add contact' }));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Sent from' }), { target: { value: 'admin@example.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]?.onboarding).toEqual({
      rooms: [general.jid, chess.jid],
      contacts: ['mod@example.org', 'bob@example.org'],
      welcome: 'Hi {name}',
      welcomeFrom: 'admin@example.org',
    });
  });

  it('warns before saving when a chosen room no longer exists, and saves once it is left out', async () => {
    // Chess is listed when the studio opens, and gone when the invite is about to be saved.
    const { requests } = studio([[general, chess], [general]]);
    await screen.findByText('(#general · 1 contact · a welcome)');
    await fireEvent.click(screen.getByRole('radio', { name: 'Rooms, contacts and a welcome for these invites' }));
    await fireEvent.click(within(screen.getByRole('group', { name: 'Rooms to join' })).getByRole('checkbox', { name: /Chess/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    const warning = await screen.findByRole('alert');
    expect(warning.textContent).toContain('#chess no longer exists on example.org.');
    expect(requests).toEqual([]);
    await fireEvent.click(within(warning).getByRole('button', { name: 'Leave out #chess' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.onboarding?.rooms).toEqual([general.jid]);
  });

  it('refuses a contact of another server, and a room of another chat service', async () => {
    studio([[general]]);
    await screen.findByText('(#general · 1 contact · a welcome)');
    await fireEvent.click(screen.getByRole('radio', { name: 'Rooms, contacts and a welcome for these invites' }));
    await fireEvent.input(screen.getByLabelText('Add a contact'), { target: { value: 'eve@elsewhere.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add contact' }));
    expect(screen.getByText('Only accounts of example.org can be added as contacts.')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Another room, by its address'), { target: { value: 'lobby@conference.elsewhere.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add room' }));
    expect(screen.getByText("Only rooms of example.org's own chat service can be given.")).toBeTruthy();
  });

  it('shows in the feed what each newcomer got, and each part that failed', () => {
    render(SignupList, {
      registrations: [
        {
          serverId: 's',
          id: '1',
          username: 'ada',
          jid: 'ada@example.org',
          time: new Date().toISOString(),
          source: 'invite-desk',
          catchUp: false,
          onboarding: { rooms: [general.jid, chess.jid], memberOf: [chess.jid], contacts: ['a@example.org', 'b@example.org'], welcomedBy: 'example.org', failed: [{ part: 'room', jid: 'old@conference.example.org', reason: 'gone' }] },
        },
      ],
    });
    const entry = screen.getByRole('listitem');
    expect(entry.textContent).toContain('joined #general, #chess · 2 contacts · welcomed');
    expect(entry.textContent).toContain('#old no longer exists');
  });

  it('counts per invite or kit how many of its members signed in since joining', async () => {
    const use = (jid: string, signedIn: boolean): LedgerInvite['uses'][number] => ({ jid, at: new Date().toISOString(), ...(signedIn ? { signedInAt: new Date().toISOString() } : {}) });
    const invite = (id: string, extra: Partial<LedgerInvite>): LedgerInvite => ({ id, kind: 'account', state: 'used', uses: [], createdAt: new Date().toISOString(), ...extra });
    const invites = [
      invite('000000000000000a', { batch: '000000000000000a', note: 'Print kit', uses: [use('a@x', true)] }),
      invite('000000000000000b', { batch: '000000000000000a', note: 'Print kit', uses: [use('b@x', false)] }),
      invite('000000000000000c', { batch: '000000000000000a', note: 'Print kit' }),
      invite('000000000000000d', { note: 'Chess evening', state: 'pending', uses: [use('c@x', true), use('d@x', true), use('e@x', false)] }),
    ];
    render(Growth, { registrations: [], invites: Promise.resolve(invites) });
    const table = await screen.findByRole('table', { name: 'Members who came back' });
    const rows = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent.trim()));
    expect(rows.map((cells) => cells.slice(1))).toEqual([['3', '2'], ['2', '1']]);
    expect(rows[1]?.[0]).toMatch(/^Print kit 3 invites, /);
  });

  it('saves the server’s defaults, and on stock Prosody shows the closest config for its version', async () => {
    const saved: Defaults[] = [];
    const api = fakeApi({
      getOnboardingDefaults: () => Promise.resolve(defaults),
      listRooms: () => Promise.resolve([general, chess]),
      setOnboardingDefaults: (d) => Promise.resolve(void saved.push(d)),
    });
    const view = render(OnboardingDefaults, { api, info: serverInfo({ serverId: 's' }), withModule: true });
    const community = await screen.findByLabelText<HTMLInputElement>('Community name');
    expect(community.value).toBe('Club');
    await fireEvent.input(community, { target: { value: 'Chess Club' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: /Chess/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText(/^Saved\./);
    expect(saved).toEqual([{ ...defaults, community: 'Chess Club', rooms: [general.jid, chess.jid] }]);
    view.unmount();

    render(OnboardingDefaults, { api, info: serverInfo({ serverId: 's', software: { name: 'Prosody', version: '0.12.3' } }), withModule: false });
    await waitFor(() => expect(screen.getByText(/default_bookmarks = \{/).textContent).toContain('{ jid = "chess@conference.example.org", name = "Chess", autojoin = true };'));
    expect(screen.getByText('sudo apt-get install -y prosody-modules')).toBeTruthy();
  });
});

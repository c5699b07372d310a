import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import ServerView from '../../renderer/src/components/ServerView.svelte';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import { dropFrame, frameToShow, keepFrame, MAX_FRAME_CHARS, readFrame, showFrame } from '../../renderer/src/lib/kept-frame';
import { keep, SHOWN_SERVER_KEY } from '../../renderer/src/lib/window-storage';
import { fakeApi, serverInfo } from './fake-api';

const ENTRY = './assets/index-Ab12.js';
const KEY = 'invite-desk.kept-frame';

/** The page as the build makes it: the loader names the entry, and the app mounts into #app. */
function page(): HTMLElement {
  const loader = document.createElement('script');
  loader.dataset.entry = ENTRY;
  document.head.append(loader);
  const app = document.createElement('div');
  app.id = 'app';
  document.body.append(app);
  return app;
}

/** A connected server's view, mounted as the app mounts it. */
function dashboard(app: HTMLElement): Desk {
  const desk = new Desk(fakeApi());
  const info = serverInfo();
  desk.infos.set(info.serverId, info);
  desk.unread.set(info.serverId, 7);
  render(ServerView, { target: app, props: { desk, info, nativePrinting: false } });
  return desk;
}

beforeEach(() => {
  document.head.replaceChildren();
  document.body.replaceChildren();
});
afterEach(() => document.documentElement.removeAttribute('lang'));

describe('the frame of the last dashboard, kept for the next start', () => {
  it('is kept once the dashboard is complete, with its headings and none of what the server said', async () => {
    const app = page();
    const desk = dashboard(app);
    // Until the server has said its policy, the dashboard is not complete: nothing is kept.
    await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 20)));
    expect(readFrame()).toBeNull();

    desk.policies.set('s1', 'open');
    await waitFor(() => expect(readFrame()).not.toBeNull());
    expect(screen.getByText('Registration on example.org is open.')).toBeTruthy();
    const frame = readFrame();
    expect(frame?.build).toBe('index-Ab12.js');
    expect(frame?.serverId).toBe('s1');
    const kept = document.createElement('div');
    kept.innerHTML = frame?.html ?? '';
    // The frame: the server's name, its tabs, the dashboard's headings.
    expect(kept.querySelector('h1')?.textContent).toBe('example.org');
    expect([...kept.querySelectorAll('[role=tab]')].map((tab) => tab.textContent)).toContain('Dashboard');
    expect([...kept.querySelectorAll('h2')].map((h) => h.textContent)).toContain('Registration');
    // Not in it: the policy and its banner, the counts, the status, the unread badge; nor what reports the real screen's paint.
    expect(kept.textContent).not.toContain('is open');
    expect(kept.querySelector('.segment')).toBeNull();
    expect(kept.textContent).not.toContain('Online');
    expect(kept.textContent).not.toContain('7');
    for (const live of kept.querySelectorAll('[data-live]')) expect(live.childNodes.length).toBe(0);
    expect(kept.querySelectorAll('[data-live]').length).toBeGreaterThan(3);
    expect(kept.querySelector('[elementtiming]')).toBeNull();
    expect(kept.querySelector('[style]')).toBeNull();
  });

  it('is shown only by the code that drew it, for the server the window will show, and hostile storage shows nothing', () => {
    const app = page();
    app.innerHTML = '<main><h2>Registration</h2></main>';
    keepFrame(app, 's1');
    expect(frameToShow(ENTRY)).toBeNull(); // the window shows no server yet
    keep(SHOWN_SERVER_KEY, 's1');
    expect(frameToShow(ENTRY)?.html).toBe('<main><h2>Registration</h2></main>');
    expect(frameToShow('./assets/index-Other.js')).toBeNull();
    keep(SHOWN_SERVER_KEY, 's2');
    expect(frameToShow(ENTRY)).toBeNull();
    keep(SHOWN_SERVER_KEY, 's1');
    for (const stored of ['{', 'null', '42', '"text"', '[]', JSON.stringify({ build: 'index-Ab12.js', serverId: 's1', lang: 'en', html: 7 }), JSON.stringify({ build: ['index-Ab12.js'], serverId: 's1', lang: 'en', html: '' })]) {
      localStorage.setItem(KEY, stored);
      expect(frameToShow(ENTRY)).toBeNull();
    }
  });

  it('is not kept where the page has no loader (the dev server), nor when it is too large to be worth drawing', () => {
    const app = document.createElement('div');
    app.innerHTML = '<h2>Registration</h2>';
    keepFrame(app, 's1');
    expect(readFrame()).toBeNull();
    const built = page();
    built.innerHTML = '<h2>Registration</h2>';
    keepFrame(built, 's1');
    expect(readFrame()).not.toBeNull();
    built.innerHTML = `<p>${'x'.repeat(MAX_FRAME_CHARS)}</p>`;
    keepFrame(built, 's1');
    expect(readFrame()).toBeNull();
  });

  it('is shown inert and hidden from screen readers, with its styles, and taken away whole for the app', () => {
    const app = page();
    document.documentElement.lang = 'en';
    app.innerHTML = '<div class="shell" style="--sidebar-width: 300px;"><h2>Anmeldung</h2></div>';
    keepFrame(app, 's1');
    app.replaceChildren();
    keep(SHOWN_SERVER_KEY, 's1');
    document.documentElement.lang = 'de';
    keepFrame(app, 'unused'); // an empty app keeps an empty frame of another server...
    keepFrame(document.createElement('div'), 's1'); // ...and that is replaced by this one
    app.innerHTML = '<div class="shell" style="--sidebar-width: 300px;"><h2>Anmeldung</h2></div>';
    keepFrame(app, 's1');
    app.replaceChildren();
    document.documentElement.lang = 'en';
    const frame = frameToShow(ENTRY);
    expect(frame).not.toBeNull();
    if (!frame) return;
    showFrame(app, frame);
    expect(document.documentElement.lang).toBe('de');
    expect(app.hasAttribute('inert')).toBe(true);
    expect(app.getAttribute('aria-hidden')).toBe('true');
    const shell = app.querySelector<HTMLElement>('.shell');
    expect(shell?.style.getPropertyValue('--sidebar-width')).toBe('300px');
    expect(app.querySelector('[data-kept-style]')).toBeNull();
    dropFrame(app);
    expect(app.childNodes.length).toBe(0);
    expect(app.hasAttribute('inert')).toBe(false);
    expect(app.hasAttribute('aria-hidden')).toBe(false);
  });

  it('is forgotten when its server is signed out of or removed, and kept when another server is', async () => {
    const app = page();
    app.innerHTML = '<h2>Registration</h2>';
    const desk = new Desk(fakeApi());
    keepFrame(app, 's1');
    await desk.disconnect('s2');
    await desk.remove('s2');
    expect(readFrame()?.serverId).toBe('s1');
    await desk.disconnect('s1');
    expect(readFrame()).toBeNull();
    keepFrame(app, 's1');
    await desk.remove('s1');
    expect(readFrame()).toBeNull();
  });
});

import './styles/tokens.css';
import './styles/base.css';
import { getAdminApi } from './lib/api';
import { Desk } from './lib/desk.svelte';
import { dropFrame } from './lib/kept-frame';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The saved servers and the shown server's info are asked for first, so that
// those round trips run while the screens' code is still arriving and being read.
// The sign-up history, thousands of them, waits until the first screen is painted.
const api = getAdminApi();
const desk = new Desk(api, { historyAfterFirstScreen: true });
void desk.start();

const [{ mount }, { default: App }] = await Promise.all([import('svelte'), import('./App.svelte')]);
// The kept frame (first-frame.ts) goes in the same task as the app comes: no paint falls between them.
dropFrame(target);
export default mount(App, { target, props: { api, desk } });

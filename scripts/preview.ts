import { inviteDeskHome, previewPort } from './lib/home';
import { runPreview, stopOnSignals } from '../electron/preview/run';
import { keepProcessAlive } from '../electron/core/last-resort';

/** `npm run preview`: the app in a browser, served on 127.0.0.1 only. */
keepProcessAlive();
try {
  const home = inviteDeskHome();
  const preview = await runPreview({ home, port: previewPort() });
  stopOnSignals(() => preview.stop());
  console.log(`Invite Desk preview is running. Settings: ${home}`);
  console.log('Open this address in your browser (it carries this run\'s access token):');
  console.log(preview.server.url);
  console.log('Press Ctrl+C to stop.');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

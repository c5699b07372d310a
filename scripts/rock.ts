import { relative, resolve } from 'node:path';
import { ROCK_ON_SERVER } from '../common/setup-guide';
import { packRock } from './lib/rock';

/** `npm run rock`: mod_invite_desk as a source rock for `prosodyctl install`, with its SHA-256 beside it. */
const root = resolve(import.meta.dirname, '..');
const rock = await packRock(resolve(root, 'dist/rock'));
const shown = relative(process.cwd(), rock.path) || rock.path;
console.log(shown);
console.log(`${shown}.sha256: ${rock.sha256.trim()}`);
console.log('Copy it to /tmp on the server, then install it and load it (see prosody/mod_invite_desk/README.md):');
console.log(`  sudo prosodyctl install ${ROCK_ON_SERVER}`);

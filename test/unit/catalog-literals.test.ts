import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { literalWords } from '../helpers/literal-words';

/**
 * No string left behind: every word a component shows comes from the
 * catalogs (renderer/src/lib/i18n). This walks each component's markup and
 * script and fails on what reads as user-facing English written in place.
 */
const renderer = resolve(import.meta.dirname, '../../renderer/src');

describe('words in components come from the catalogs', () => {
  const files = ['App.svelte', ...readdirSync(join(renderer, 'components')).filter((f) => f.endsWith('.svelte')).map((f) => `components/${f}`)];

  it.each(files)('%s shows no English written in place', (file) => {
    const found = literalWords(readFileSync(join(renderer, file), 'utf8'));
    expect(found.map((f) => `${f.line}: ${f.text}`)).toEqual([]);
  });

  it('finds the words it is meant to find', () => {
    const found = literalWords(`<script lang="ts">
  const sentence = 'Something went wrong.';
  const key = t('kit.title');
  const state = x === 'pending' ? 'ok' : 'failed';
</script>
<p>Nobody has signed up</p>
<button aria-label="Close the dialog" class="big primary">{t('kit.print')}</button>
<span>{busy ? 'Creating…' : \`Create \${n} cards\`}</span>
<p>{domain} · mod_invite_desk · 12 %</p>
<p>{t('trust.hint')} <code>openssl x509 -noout -in CERT.crt</code></p>`);
    expect(found.map((f) => f.text)).toEqual(['Nobody has signed up', 'aria-label="Close the dialog"', 'Creating…', 'Create {} cards', 'Something went wrong.']);
  });
});

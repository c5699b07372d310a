import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { StreamFeatures } from '@xmpp/stream-features';

const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';

/** What xmpp.js' connection does once a resource is bound. */
interface Binding {
  _jid(id: string): unknown;
  _ready(resumed: boolean): void;
}

export interface ResourceBinding {
  /**
   * Sends the bind request now, right behind the restarted stream's header,
   * instead of after the server's features: one round trip less. Prosody
   * handles a stream's elements in order, so the request is read after the
   * header it follows.
   */
  sendEarly(): void;
}

/** Resource binding (RFC 6120 §7) as a stream feature, as xmpp.js' own, but able to go out before the features. */
export function resourceBindingFeature(streamFeatures: StreamFeatures, iqCaller: IqCaller, resource: string): ResourceBinding {
  let early: Promise<Element> | null = null;
  const request = (): Promise<Element> => iqCaller.request(xml('iq', { type: 'set' }, xml('bind', { xmlns: NS_BIND }, xml('resource', {}, resource))));

  streamFeatures.use('bind', NS_BIND, async ({ entity: connection }, next) => {
    const pending = early ?? request();
    early = null;
    const jid = (await pending).getChild('bind', NS_BIND)?.getChildText('jid');
    if (!jid) throw new Error('the server bound no resource');
    const binding = connection as unknown as Binding;
    binding._jid(jid);
    binding._ready(false);
    return next();
  });

  return {
    sendEarly() {
      early = request();
      // Observed here; the feature handler awaits it and reports a failure.
      early.catch(() => undefined);
    },
  };
}

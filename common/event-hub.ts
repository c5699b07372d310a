/** A small typed publish/subscribe hub, used on both sides of the seam. */
export interface EventHub<Events> {
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void;
  emit<E extends keyof Events>(event: E, payload: Events[E]): void;
}

export function createEventHub<Events>(onListenerError?: (error: unknown) => void): EventHub<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        // One failing listener must not keep the event from the others.
        try {
          (listener as (p: typeof payload) => void)(payload);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
  };
}

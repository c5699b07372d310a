import { beforeEach } from 'vitest';
import { configure } from '@testing-library/svelte';

/**
 * jsdom lacks a few browser features the components use. These stand-ins do
 * the least the components need; the real ones are exercised in Chromium by
 * the e2e suite.
 */
class ResizeObserverStandIn {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

const scope = globalThis as { ResizeObserver?: unknown };
if (!('ResizeObserver' in globalThis)) scope.ResizeObserver = ResizeObserverStandIn;

const dialog = HTMLDialogElement.prototype as unknown as Record<string, unknown>;
if (typeof dialog.showModal !== 'function') {
  dialog.showModal = function showModal(this: HTMLDialogElement): void {
    this.open = true;
  };
}
if (typeof dialog.close !== 'function') {
  dialog.close = function close(this: HTMLDialogElement): void {
    this.open = false;
  };
}

// jsdom does no layout, so there is nothing to scroll; Chromium's real one runs in the e2e suite.
const element = Element.prototype as unknown as Record<string, unknown>;
if (typeof element.scrollIntoView !== 'function') element.scrollIntoView = function scrollIntoView(): void {};

// A server's tabs load their screens' code when first opened (as in the app); in a test that code is compiled on
// the spot, which on a busy machine takes longer than the library's one second. Waiting longer asserts nothing less.
configure({ asyncUtilTimeout: 10_000 });

// What one test leaves in the window's storage (the sidebar's width, the server shown) is not the next one's start.
beforeEach(() => localStorage.clear());

/**
 * The screens behind a server's tabs, other than the dashboard. They load as
 * one piece of code after the dashboard has been painted, so that the first
 * screen waits for none of their code (nor for the QR code library they use).
 */
export { default as Activity } from './Activity.svelte';
export { default as Feed } from './Feed.svelte';
export { default as InviteStudio } from './InviteStudio.svelte';
export { default as JoinReasonSetup } from './JoinReasonSetup.svelte';
export { default as JoinRequests } from './JoinRequests.svelte';
export { default as Ledger } from './Ledger.svelte';
export { default as Members } from './Members.svelte';
export { default as OnboardingDefaults } from './OnboardingDefaults.svelte';
export { default as PrintKit } from './PrintKit.svelte';
export { default as ServerOverview } from './ServerOverview.svelte';

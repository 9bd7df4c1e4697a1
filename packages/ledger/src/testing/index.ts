export { runEventStoreConformance, type ConformanceContext, type ConformanceTarget, type EventStoreFactory } from './conformance.ts';
export { collect, interaction, manualClock, purchase, purchaseV1 } from './fixtures.ts';

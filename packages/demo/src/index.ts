export { DEFAULT_DEMO_START, generateDemo, type DemoOptions } from './generate.ts';
export type { GeneratedEvent } from './emitter.ts';
export { Random } from './random.ts';

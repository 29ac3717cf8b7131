export * from './text.js';
export { deep } from './deep/index.js';
export type * from './shapes.js';

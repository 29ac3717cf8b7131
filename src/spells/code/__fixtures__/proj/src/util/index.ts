export * from './text.js';
export { deep } from './deep/index.js';

export * from './text.js';
export { deep } from './deep/index.js';
export type * from './shapes.js';
export { default as collapseDefault } from './text.js';
export {
  collapse as collapseText,
}
  from './text.js';

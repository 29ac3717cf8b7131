export * from './a.js';
export { fromA as aliasOfA } from './a.js';
export const fromB = 'b';

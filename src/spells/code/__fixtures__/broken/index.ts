// @ts-nocheck -- this fixture deliberately re-exports files that do not exist.
export * from './gone.js';
export { ghost } from './also-gone.js';
export { present, absent } from './present.js';
export { undeclared };
export const fine = 1;

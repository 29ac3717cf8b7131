export * from './b.js';
export const fromA = 'a';

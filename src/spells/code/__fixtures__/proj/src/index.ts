/**
 * Fixture module entry. This comment mentions export const CommentFake = 1 and
 * export function commentFake(): void {} which must not be read as exports.
 */
// export class LineCommentFake {}
export * from './parser.js';
export { Session as RenamedSession, type SessionOptions } from './session.js';
export type { Codec } from './types.js';
export * from './util/index.js';
export * as helpers from './helpers.js';
export * from './cycle/a.js';
import { localHelper as imported } from './helpers.js';
import * as ns from './helpers.js';
export { imported, ns };

const banner = 'export const StringFake = 1;';
const doubled = "export { fakeDouble }";
const tpl = `export const TemplateFake = ${banner.length > 0 ? `nested ${'export const NestedFake'} }` : '{'}`;
const re = /export const RegexFake = \//;
void [doubled, tpl, re];

/** Overloaded parse. */
export function overloaded(input: string): number;
export function overloaded(input: Uint8Array): bigint;
export function overloaded(input: string | Uint8Array): number | bigint {
  return typeof input === 'string' ? 1 : 1n;
}

export function generic<T extends Record<string, { deep: Array<T> }>, U = Map<string, T>>(value: T, extra?: U): Promise<T> {
  return Promise.resolve(value);
}

export const arrow = async (bytes: Uint8Array, options: { strict: boolean } = { strict: true }): Promise<number> => bytes.length;
export const untyped = (x = 1) => x;
export const typedByAnnotation: (payload: Uint8Array) => string = (p) => String(p.length);
export const constant = 42, second = { a: [1, 2] };
export let counter = 0;
export var legacy = 'x';
export enum Direction { Up, Down }
export const enum Flag { A = 1 }
export interface Shape { kind: string }
export type Pair<A, B> = [A, B];
export namespace Spaces { export const inner = 1; }
export declare function declared(a: number): string;
export { banner as BannerText };
export default function (input: string): Shape { return { kind: input }; }
export { Decorated } from './session.js';

export interface Codec { name: string; clockRate: number }
export type Hidden = never;

export interface Circle { radius: number }
export type Area = number;

export interface SessionOptions { id: string }
export class Session {
  constructor(options: SessionOptions) { void options; }
  offer(): string { return ''; }
}
export const notReExported = 1;

function sealed<T>(target: T): T { return target; }

/** A decorated class on one line with its decorator, and decorated members. */
@sealed export class Decorated {
  @sealed
  static create(options: SessionOptions): Decorated { return new Decorated(options.id); }
  constructor(readonly id: string) {}
}

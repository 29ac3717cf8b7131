export interface SessionOptions { id: string }
export class Session {
  constructor(options: SessionOptions) { void options; }
  offer(): string { return ''; }
}
export const notReExported = 1;

export interface Tree { kind: string }

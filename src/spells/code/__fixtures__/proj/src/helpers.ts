export function localHelper(value: string): string { return value; }
export const other = 1;

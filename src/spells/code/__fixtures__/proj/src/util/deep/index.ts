export const deep = true;

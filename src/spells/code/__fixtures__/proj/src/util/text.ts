export function collapse(text: string): string { return text.replace(/\s+/g, ' '); }
export default collapse; // not re-exported by export *

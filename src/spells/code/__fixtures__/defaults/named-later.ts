function parse(text: string): string[] {
  return text.split('\n');
}
export { parse as default };

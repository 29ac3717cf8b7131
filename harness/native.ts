/** Releases node-datachannel's native threads so the process can exit (call once, at the end). */
export async function releaseNative(): Promise<void> {
  const { cleanup } = await import('node-datachannel');
  // Let pending close callbacks run before the native side is torn down.
  await new Promise((resolve) => setTimeout(resolve, 100));
  cleanup();
}

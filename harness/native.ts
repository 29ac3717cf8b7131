/** node-datachannel life-cycle helpers for the scenarios and the CLI. */
import type { PeerConnection, Track } from 'node-datachannel';

/** Longest wait for a track or peer to report itself closed. */
const CLOSE_WAIT_MS = 1000;

/**
 * Closes tracks before their peer (node-datachannel releases a track's native callbacks
 * only then), and waits until each reports closed, so no native thread is still busy with
 * them when `releaseNative()` tears the library down.
 */
export async function closePeer(pc: PeerConnection, tracks: readonly Track[] = []): Promise<void> {
  const wait = (register: (done: () => void) => void, already: boolean) =>
    already ? Promise.resolve() : new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      register(() => { clearTimeout(timer); resolve(); });
    });
  for (const track of tracks) {
    const closed = wait((done) => track.onClosed(done), track.isClosed());
    track.close();
    await closed;
  }
  const closed = wait((done) => pc.onStateChange((s) => { if (s === 'closed') done(); }), pc.state() === 'closed');
  pc.close();
  await closed;
}

/** Releases node-datachannel's native threads so the process can exit (call once, at the end). */
export async function releaseNative(): Promise<void> {
  const { cleanup } = await import('node-datachannel');
  // Let pending close callbacks run before the native side is torn down.
  await new Promise((resolve) => setTimeout(resolve, 200));
  cleanup();
}

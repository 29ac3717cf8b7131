import { isRtcpPacket, writeRtpDump, type RtpDumpPacket } from '../../src/rtp/index.js';

/** How far back (in packets) the recorder looks for a duplicate of an RTCP packet. */
const RTCP_DEDUPE_WINDOW = 16;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Collects packets as node-datachannel hands them over, timestamped on arrival, and turns
 * them into an rtpdump. libdatachannel delivers one compound RTCP packet to every track
 * whose SSRC it names, so a recorder shared by several tracks drops exact RTCP repeats.
 */
export class PacketRecorder {
  private readonly packets: RtpDumpPacket[] = [];
  private startWallMs = 0;
  private startMonoMs = 0;
  private readonly limitMs: number;
  private readonly include: (isRtcp: boolean) => boolean;

  constructor(limitMs: number, include: (isRtcp: boolean) => boolean = () => true) {
    this.limitMs = limitMs;
    this.include = include;
  }

  get started(): boolean {
    return this.startMonoMs !== 0;
  }

  /** Start the clock now (otherwise it starts at the first packet). */
  start(): void {
    if (this.started) return;
    this.startWallMs = Date.now();
    this.startMonoMs = performance.now();
  }

  get elapsedMs(): number {
    return this.started ? performance.now() - this.startMonoMs : 0;
  }

  add(message: Uint8Array): void {
    const isRtcp = isRtcpPacket(message);
    if (!this.include(isRtcp)) return;
    this.start();
    const offsetMs = Math.floor(performance.now() - this.startMonoMs);
    if (offsetMs >= this.limitMs) return;
    const data = new Uint8Array(message);
    if (isRtcp) {
      for (let i = this.packets.length - 1; i >= 0 && i >= this.packets.length - RTCP_DEDUPE_WINDOW; i--) {
        const p = this.packets[i];
        if (p.isRtcp && sameBytes(p.data, data)) return;
      }
    }
    this.packets.push({ offsetMs, isRtcp, data });
  }

  list(): readonly RtpDumpPacket[] {
    return this.packets;
  }

  toRtpDump(address: string, port: number): Uint8Array {
    return writeRtpDump({
      address,
      port,
      startSec: Math.floor(this.startWallMs / 1000),
      startUsec: Math.floor((this.startWallMs % 1000) * 1000),
      packets: this.packets,
    });
  }
}

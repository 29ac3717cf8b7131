import { describe, expect, it } from 'vitest';
import { H264Packetizer } from './packetizer.js';
import { RtpPacket } from '../rtp-packet.js';
import { createTransportSequenceCounter } from '../header-template.js';
import { toAnnexB } from './nal.js';
import { syntheticAccessUnits } from './synthetic.js';

const [idrAu, pAu] = syntheticAccessUnits({ frames: 2 });

function packetize(au: Uint8Array | Uint8Array[], ts: number, packetizer = new H264Packetizer({ ssrc: 1, payloadType: 102, initialSequenceNumber: 100 })) {
  return packetizer.packetizeToArray(au, ts).map((b) => RtpPacket.parse(b));
}

describe('H264Packetizer', () => {
  it('sends SPS and PPS in one STAP-A ahead of the IDR fragments, all with the IDR timestamp', () => {
    const packets = packetize(idrAu, 90_000);
    const stap = packets[0].payload;
    expect(stap[0] & 0x1f).toBe(24);
    expect(stap[0] & 0x60).toBe(0x60); // NRI = max(SPS 3, PPS 3)
    // STAP-A: size(2) SPS size(2) PPS
    const spsSize = (stap[1] << 8) | stap[2];
    expect(spsSize).toBe(idrAu[0].length);
    expect(Array.from(stap.subarray(3, 3 + spsSize))).toEqual(Array.from(idrAu[0]));
    expect(stap[3 + spsSize + 2] & 0x1f).toBe(8);
    expect(packets.slice(1).every((p) => (p.payload[0] & 0x1f) === 28)).toBe(true);
    expect(packets.every((p) => p.timestamp === 90_000)).toBe(true);
  });

  it('sets the marker bit on the last packet of the access unit only', () => {
    const packets = packetize(idrAu, 1);
    expect(packets.map((p) => p.marker)).toEqual(packets.map((_, i) => i === packets.length - 1));
    const single = packetize([Uint8Array.of(0x41, 1, 2, 3)], 2);
    expect(single.length).toBe(1);
    expect(single[0].marker).toBe(true);
  });

  it('splits a large NAL unit into FU-A fragments that fit the MTU and rebuild it exactly', () => {
    for (const mtu of [1200, 500, 64]) {
      const packets = packetize(pAu, 3, new H264Packetizer({ ssrc: 1, payloadType: 102, mtu }));
      expect(Math.max(...packets.map((p) => p.byteLength))).toBeLessThanOrEqual(mtu);
      const fu = packets.map((p) => p.payload);
      expect(fu[0][1] & 0x80).toBe(0x80); // S
      expect(fu[fu.length - 1][1] & 0x40).toBe(0x40); // E
      expect(fu.slice(1, -1).every((f) => (f[1] & 0xc0) === 0)).toBe(true);
      const sizes = fu.map((f) => f.length - 2);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const rebuilt = Buffer.concat([Uint8Array.of((fu[0][0] & 0xe0) | (fu[0][1] & 0x1f)), ...fu.map((f) => f.subarray(2))]);
      expect(rebuilt.equals(Buffer.from(pAu[0]))).toBe(true);
    }
  });

  it('sends a NAL unit that fits alone as a single NAL unit packet', () => {
    const nal = new Uint8Array(1188).fill(7);
    nal[0] = 0x41;
    const packets = packetize([nal], 5);
    expect(packets.length).toBe(1);
    expect(packets[0].byteLength).toBe(1200);
    expect(Buffer.from(packets[0].payload).equals(Buffer.from(nal))).toBe(true);
  });

  it('numbers packets consecutively and wraps the sequence number at 65536', () => {
    const packets = packetize(idrAu, 9, new H264Packetizer({ ssrc: 1, payloadType: 102, initialSequenceNumber: 65530 }));
    expect(packets.length).toBeGreaterThan(6);
    expect(packets.map((p) => p.sequenceNumber).slice(0, 8)).toEqual([65530, 65531, 65532, 65533, 65534, 65535, 0, 1]);
  });

  it('packetizes an Annex B access unit exactly like its NAL unit array', () => {
    const a = new H264Packetizer({ ssrc: 7, payloadType: 96, initialSequenceNumber: 1 }).packetizeToArray(toAnnexB(idrAu), 50);
    const b = new H264Packetizer({ ssrc: 7, payloadType: 96, initialSequenceNumber: 1 }).packetizeToArray(idrAu, 50);
    expect(a).toEqual(b);
  });

  it('repeats the last SPS and PPS ahead of an IDR that comes without them', () => {
    const packetizer = new H264Packetizer({ ssrc: 1, payloadType: 102 });
    packetize(idrAu, 1, packetizer);
    const again = packetize([idrAu[2]], 2, packetizer);
    expect(again[0].payload[0] & 0x1f).toBe(24);
    const off = new H264Packetizer({ ssrc: 1, payloadType: 102, repeatParameterSets: false });
    packetize(idrAu, 1, off);
    expect(packetize([idrAu[2]], 2, off)[0].payload[0] & 0x1f).toBe(28);
  });

  it('writes every packet into one reused buffer and stamps the transport-wide sequence number', () => {
    const counter = createTransportSequenceCounter(65535);
    const packetizer = new H264Packetizer({ ssrc: 1, payloadType: 102, transportCc: { id: 3, counter } });
    const buffers = new Set<ArrayBufferLike>();
    const twcc: number[] = [];
    packetizer.packetize(idrAu, 1, (p) => {
      buffers.add(p.buffer);
      const view = RtpPacket.parse(p);
      twcc.push(view.getExtensionUint(3, 2)!);
      expect(view.headerSize).toBe(packetizer.headerSize);
    });
    expect(packetizer.headerSize).toBe(12 + 4 + 4); // fixed header, extension header, element 1+2 padded to 4
    expect(buffers.size).toBe(1);
    expect(twcc.slice(0, 3)).toEqual([65535, 0, 1]);
  });

  it('refuses an MTU too small for the header', () => {
    expect(() => new H264Packetizer({ ssrc: 1, payloadType: 96, mtu: 14 })).toThrow(RangeError);
  });
});

/**
 * Test fixture: a signaling server in the middle. It sits in front of a real SignalingServer
 * and relays every frame unchanged, except that (with `mitm: true`) it takes over the first
 * offer: it answers the offerer from a node-datachannel connection of its own and offers to
 * the answerer from another, so each agent's DTLS handshake (RFC 8842) completes, with the
 * server's certificate, and the server relays the data channel between them. This is the
 * attack a DTLS fingerprint swap enables; the mesh's signed session bindings must catch it.
 */
import nodeDataChannel, { type DataChannel, type PeerConnection } from 'node-datachannel';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface MitmProxy {
  url: string;
  /** Offers taken over so far, and data-channel messages relayed between the two victims. */
  readonly intercepted: number;
  readonly relayed: number;
  close(): Promise<void>;
}

interface Frame {
  type?: string;
  from?: string;
  peerId?: string;
  sdp?: string;
  candidate?: string;
  mid?: string;
}

export async function startMitmSignaling(upstreamUrl: string, options: { mitm: boolean }): Promise<MitmProxy> {
  const upstream = new URL(upstreamUrl);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const clients = new Map<string, WebSocket>();
  const pcs: PeerConnection[] = [];
  let attack: { offerer: string; answerer: string; pcOfferer: PeerConnection; pcAnswerer: PeerConnection } | undefined;
  let intercepted = 0;
  let relayed = 0;

  const sendTo = (peerId: string, frame: object) => clients.get(peerId)?.send(JSON.stringify(frame));

  function relayChannels(a: DataChannel, b: DataChannel): void {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const queue: Array<string | Buffer> = [];
      to.onOpen(() => {
        for (const m of queue.splice(0)) typeof m === 'string' ? to.sendMessage(m) : to.sendMessageBinary(m);
      });
      from.onMessage((m) => {
        relayed++;
        if (!to.isOpen()) queue.push(m as string | Buffer);
        else if (typeof m === 'string') to.sendMessage(m);
        else to.sendMessageBinary(Buffer.from(m as ArrayBuffer));
      });
    }
  }

  /** The offer from `offerer` to `answerer` never reaches it: two connections of ours take its place. */
  function takeOver(offerer: string, answerer: string, sdp: string): void {
    intercepted++;
    const config = { iceServers: [], bindAddress: '127.0.0.1', disableAutoNegotiation: true };
    const pcOfferer = new nodeDataChannel.PeerConnection('mitm-facing-offerer', config);
    const pcAnswerer = new nodeDataChannel.PeerConnection('mitm-facing-answerer', config);
    pcs.push(pcOfferer, pcAnswerer);
    // The swarm's channel is negotiated out of band on stream 0 (RFC 8832 section 1).
    const dcOfferer = pcOfferer.createDataChannel('swarm', { negotiated: true, id: 0 });
    const dcAnswerer = pcAnswerer.createDataChannel('swarm', { negotiated: true, id: 0 });
    relayChannels(dcOfferer, dcAnswerer);
    pcOfferer.onLocalDescription((s, type) => type === 'answer' && sendTo(offerer, { type: 'answer', from: answerer, sdp: s }));
    pcOfferer.onLocalCandidate((c, mid) => sendTo(offerer, { type: 'ice-candidate', from: answerer, candidate: c.replace(/^a=/, ''), mid }));
    pcAnswerer.onLocalDescription((s, type) => type === 'offer' && sendTo(answerer, { type: 'offer', from: offerer, sdp: s }));
    pcAnswerer.onLocalCandidate((c, mid) => sendTo(answerer, { type: 'ice-candidate', from: offerer, candidate: c.replace(/^a=/, ''), mid }));
    pcOfferer.setRemoteDescription(sdp, 'offer');
    pcOfferer.setLocalDescription('answer');
    pcAnswerer.setLocalDescription('offer');
    attack = { offerer, answerer, pcOfferer, pcAnswerer };
  }

  /** Server-to-client frames: true when the attack consumed it. */
  function intercept(to: string, f: Frame): boolean {
    if (!options.mitm || !f.from) return false;
    if (!attack && f.type === 'offer' && f.sdp) {
      takeOver(f.from, to, f.sdp);
      return true;
    }
    if (!attack) return false;
    if (f.from === attack.offerer && to === attack.answerer && f.type === 'ice-candidate' && f.candidate) {
      attack.pcOfferer.addRemoteCandidate(f.candidate, f.mid ?? '0');
      return true;
    }
    if (f.from === attack.answerer && to === attack.offerer) {
      if (f.type === 'answer' && f.sdp) attack.pcAnswerer.setRemoteDescription(f.sdp, 'answer');
      else if (f.type === 'ice-candidate' && f.candidate) attack.pcAnswerer.addRemoteCandidate(f.candidate, f.mid ?? '0');
      return f.type === 'answer' || f.type === 'ice-candidate';
    }
    return false;
  }

  wss.on('connection', (client, req) => {
    const up = new WebSocket(`ws://${upstream.host}${req.url ?? '/'}`);
    const early: RawData[] = [];
    let me = '';
    up.on('open', () => early.splice(0).forEach((d) => up.send(d.toString())));
    client.on('message', (data) => {
      try {
        const f = JSON.parse(data.toString()) as Frame;
        if (f.type === 'join' && f.peerId) clients.set((me = f.peerId), client);
      } catch {
        /* relay as is */
      }
      if (up.readyState === WebSocket.OPEN) up.send(data.toString());
      else early.push(data);
    });
    up.on('message', (data) => {
      let f: Frame = {};
      try {
        f = JSON.parse(data.toString()) as Frame;
      } catch {
        /* relay as is */
      }
      if (me && intercept(me, f)) return;
      client.send(data.toString());
    });
    client.on('close', () => up.close());
    up.on('close', () => client.close());
    up.on('error', () => client.close());
  });

  return {
    url: `ws://127.0.0.1:${port}${upstream.pathname}`,
    get intercepted() {
      return intercepted;
    },
    get relayed() {
      return relayed;
    },
    async close() {
      for (const pc of pcs) pc.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

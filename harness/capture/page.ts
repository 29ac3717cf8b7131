/**
 * The page Chromium loads from http://localhost:<port>/ (a secure context, so getUserMedia
 * works). It defines `window.cap`, a set of async steps the Node side drives one at a time
 * through `page.evaluate`; progress goes back through the exposed `window.capLog`.
 * Each step names the RTCPeerConnection it works on, so sessions never share state.
 */
export const CAPTURE_PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>spellbook fixture capture</title></head>
<body>
<video id="remote" autoplay muted playsinline></video>
<script>
'use strict';
const pcs = new Map();
const streams = new Map();
const log = (m) => { if (window.capLog) window.capLog(String(m)); };

function gatheringComplete(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

function connected(pc, timeoutMs) {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not connected after ' + timeoutMs + ' ms: ' + pc.connectionState)), timeoutMs);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') { clearTimeout(timer); resolve(); }
      if (pc.connectionState === 'failed') { clearTimeout(timer); reject(new Error('connection failed')); }
    });
  });
}

function h264Only() {
  return RTCRtpSender.getCapabilities('video').codecs.filter((c) =>
    c.mimeType.toLowerCase() === 'video/h264' && /packetization-mode=1/.test(c.sdpFmtpLine || ''));
}

async function camera(withAudio) {
  return navigator.mediaDevices.getUserMedia({
    audio: withAudio,
    video: { width: { exact: 1280 }, height: { exact: 720 } },
  });
}

window.cap = {
  /** Chrome offer: fake camera + mic + a data channel. */
  async offerAvData(id) {
    const pc = new RTCPeerConnection();
    pcs.set(id, pc);
    const stream = await camera(true);
    streams.set(id, stream);
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const dc = pc.createDataChannel('spellbook');
    dc.onopen = () => { log(id + ': data channel open'); dc.send('hello from chromium'); };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await gatheringComplete(pc);
    return { offer: offer.sdp, gathered: pc.localDescription.sdp };
  },

  /** Chrome offer: video only, codecs restricted to H.264 packetization-mode=1. */
  async offerVideoH264(id) {
    const pc = new RTCPeerConnection();
    pcs.set(id, pc);
    const stream = await camera(false);
    streams.set(id, stream);
    const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
    const codecs = h264Only();
    if (codecs.length === 0) throw new Error('this Chromium offers no H.264 packetization-mode=1');
    transceiver.setCodecPreferences(codecs);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return { offer: offer.sdp };
  },

  /** Chrome offer: one data channel, no media. */
  async offerDataOnly(id) {
    const pc = new RTCPeerConnection();
    pcs.set(id, pc);
    pc.createDataChannel('spellbook');
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    return { offer: offer.sdp };
  },

  /** Apply a remote answer and wait for the connection (and data channel, if any). */
  async acceptAnswer(id, sdp) {
    const pc = pcs.get(id);
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await connected(pc, 10000);
    return pc.connectionState;
  },

  /**
   * Answer a node-datachannel offer with recvonly video+audio by sending the fake camera
   * (H.264 forced with setCodecPreferences, 1280x720) and the fake mic (Opus).
   */
  async answerSending(id, sdp) {
    const pc = new RTCPeerConnection();
    pcs.set(id, pc);
    const stream = await camera(true);
    streams.set(id, stream);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      const track = stream.getTracks().find((t) => t.kind === kind);
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams(stream);
      transceiver.direction = 'sendonly';
      if (kind === 'video') {
        transceiver.setCodecPreferences(h264Only());
        track.contentHint = 'motion';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.sender.track && transceiver.sender.track.kind === 'video') {
        const params = transceiver.sender.getParameters();
        params.degradationPreference = 'maintain-resolution';
        for (const e of params.encodings) { e.maxBitrate = 2500000; e.maxFramerate = 30; }
        await transceiver.sender.setParameters(params);
      }
    }
    await gatheringComplete(pc);
    const settings = stream.getVideoTracks()[0].getSettings();
    return { answer: answer.sdp, gathered: pc.localDescription.sdp, width: settings.width, height: settings.height, frameRate: settings.frameRate };
  },

  /** Answer a node-datachannel offer that sends video; play what arrives. */
  async answerReceiving(id, sdp) {
    const pc = new RTCPeerConnection();
    pcs.set(id, pc);
    pc.ontrack = (event) => {
      const video = document.getElementById('remote');
      if (!video.srcObject) {
        video.srcObject = new MediaStream([event.track]);
        video.play().catch((e) => log('play: ' + e));
      }
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await gatheringComplete(pc);
    return { answer: answer.sdp, gathered: pc.localDescription.sdp };
  },

  async connected(id) {
    await connected(pcs.get(id), 10000);
    return pcs.get(id).connectionState;
  },

  /** Selected webrtc-stats fields for the report. */
  async stats(id) {
    const report = await pcs.get(id).getStats();
    const out = [];
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' || s.type === 'inbound-rtp') {
        out.push({
          type: s.type, kind: s.kind, ssrc: s.ssrc, packets: s.packetsSent ?? s.packetsReceived,
          bytes: s.bytesSent ?? s.bytesReceived, frameWidth: s.frameWidth, frameHeight: s.frameHeight,
          framesPerSecond: s.framesPerSecond, framesEncoded: s.framesEncoded, framesDecoded: s.framesDecoded,
          keyFramesEncoded: s.keyFramesEncoded, keyFramesDecoded: s.keyFramesDecoded,
          encoderImplementation: s.encoderImplementation, decoderImplementation: s.decoderImplementation,
          qualityLimitationReason: s.qualityLimitationReason, nackCount: s.nackCount, pliCount: s.pliCount,
          firCount: s.firCount, packetsLost: s.packetsLost, targetBitrate: s.targetBitrate,
        });
      }
      if (s.type === 'codec') out.push({ type: 'codec', mimeType: s.mimeType, payloadType: s.payloadType, sdpFmtpLine: s.sdpFmtpLine });
    });
    return out;
  },

  close(id) {
    const pc = pcs.get(id);
    if (pc) pc.close();
    const stream = streams.get(id);
    if (stream) for (const t of stream.getTracks()) t.stop();
    pcs.delete(id);
    streams.delete(id);
    return true;
  },
};
log('page ready ' + navigator.userAgent);
</script>
</body></html>
`;

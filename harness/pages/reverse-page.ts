/**
 * The Chromium side of the `reverse` scenario: answers node-datachannel's recvonly video
 * offer by sending the fake camera as H.264 (packetization-mode 1, 42e01f first) at the
 * requested size, and reports its outbound-rtp statistics.
 */
export const REVERSE_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: reverse</title></head>
<body>
<script>
'use strict';
const state = { pc: null, stream: null };
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete') resolve();
  }));
}
/** H.264 packetization-mode=1, Constrained Baseline 42e01f first. */
function h264Preferences() {
  const codecs = RTCRtpSender.getCapabilities('video').codecs.filter((c) =>
    c.mimeType.toLowerCase() === 'video/h264' && /packetization-mode=1/.test(c.sdpFmtpLine || ''));
  const rank = (c) => (/profile-level-id=42e01f/i.test(c.sdpFmtpLine || '') ? 0 : 1);
  return codecs.sort((a, b) => rank(a) - rank(b));
}
window.conform = {
  async answer(offer, width, height) {
    if (state.pc) state.pc.close();
    if (state.stream) for (const t of state.stream.getTracks()) t.stop();
    const pc = state.pc = new RTCPeerConnection();
    const stream = state.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: 30 } },
    });
    const track = stream.getVideoTracks()[0];
    track.contentHint = 'motion';
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = pc.getTransceivers().find((t) => t.receiver.track.kind === 'video');
    if (!transceiver) throw new Error('the offer has no video section');
    await transceiver.sender.replaceTrack(track);
    transceiver.sender.setStreams(stream);
    transceiver.direction = 'sendonly';
    const prefs = h264Preferences();
    if (prefs.length === 0) throw new Error('this Chromium has no H.264 packetization-mode=1');
    transceiver.setCodecPreferences(prefs);
    await pc.setLocalDescription(await pc.createAnswer());
    const params = transceiver.sender.getParameters();
    params.degradationPreference = 'maintain-resolution';
    for (const e of params.encodings) { e.maxBitrate = 2500000; e.maxFramerate = 30; }
    await transceiver.sender.setParameters(params);
    await gathered(pc);
    const s = track.getSettings();
    return { answer: pc.localDescription.sdp, width: s.width, height: s.height, frameRate: s.frameRate };
  },
  async stats() {
    const report = await state.pc.getStats();
    let out = null;
    let codec = null;
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out = s;
    });
    if (out && out.codecId) { const c = report.get(out.codecId); if (c) codec = c.mimeType + ' ' + (c.sdpFmtpLine || ''); }
    if (!out) return null;
    return {
      framesEncoded: out.framesEncoded || 0, framesPerSecond: out.framesPerSecond || 0,
      frameWidth: out.frameWidth || 0, frameHeight: out.frameHeight || 0,
      bytesSent: out.bytesSent || 0, packetsSent: out.packetsSent || 0, keyFramesEncoded: out.keyFramesEncoded || 0,
      encoderImplementation: out.encoderImplementation || '', qualityLimitationReason: out.qualityLimitationReason || '',
      connectionState: state.pc.connectionState, codec,
    };
  },
  close() {
    if (state.pc) state.pc.close();
    if (state.stream) for (const t of state.stream.getTracks()) t.stop();
    return true;
  },
};
</script>
</body></html>
`;

/**
 * The Chromium side of the `datachannel` scenario: answers node-datachannel's offer and
 * echoes every message on every channel it is given, except on `bulk`, where it counts
 * bytes, reports progress (`p:<bytes>` every 250 ms) and answers `end` with `done:<bytes>`.
 */
export const DATACHANNEL_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: datachannel</title></head>
<body>
<script>
'use strict';
const state = { pc: null, channels: [], bulkBytes: 0, errors: [] };
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete') resolve();
  }));
}
function onChannel(channel) {
  state.channels.push(channel);
  channel.binaryType = 'arraybuffer';
  channel.onerror = (e) => state.errors.push(channel.label + ': ' + (e.error ? e.error.message : 'error'));
  if (channel.label === 'bulk') {
    let timer = null;
    channel.onmessage = ({ data }) => {
      if (typeof data === 'string') {
        if (data === 'end') {
          clearInterval(timer);
          channel.send('done:' + state.bulkBytes);
        }
        return;
      }
      if (timer === null) timer = setInterval(() => channel.send('p:' + state.bulkBytes), 250);
      state.bulkBytes += data.byteLength;
    };
    return;
  }
  // Chromium can deliver a message before this channel's own state reads 'open' (seen once
  // in CI on the maxRetransmits 0 channel): such echoes wait for 'open' instead of failing.
  const waiting = [];
  const echo = (data) => {
    try { channel.send(data); } catch (e) { state.errors.push(channel.label + ': ' + e.message + ' (readyState ' + channel.readyState + ')'); }
  };
  channel.addEventListener('open', () => { for (const data of waiting.splice(0)) echo(data); });
  channel.onmessage = ({ data }) => {
    if (channel.readyState === 'connecting') waiting.push(data);
    else echo(data);
  };
}
window.conform = {
  async answer(offer) {
    if (state.pc) state.pc.close();
    state.channels = [];
    state.bulkBytes = 0;
    const pc = state.pc = new RTCPeerConnection();
    pc.ondatachannel = ({ channel }) => onChannel(channel);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    return pc.localDescription.sdp;
  },
  info() {
    const pc = state.pc;
    return {
      connectionState: pc ? pc.connectionState : 'none',
      maxMessageSize: pc && pc.sctp ? pc.sctp.maxMessageSize : null,
      channels: state.channels.map((c) => ({ label: c.label, ordered: c.ordered, maxRetransmits: c.maxRetransmits, readyState: c.readyState })),
      errors: state.errors,
    };
  },
  async rtt() {
    const report = await state.pc.getStats();
    let rtt = null;
    report.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) rtt = s.currentRoundTripTime; });
    return rtt;
  },
  close() { if (state.pc) state.pc.close(); return true; },
};
</script>
</body></html>
`;

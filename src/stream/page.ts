/**
 * The viewer page `spell stream` serves: one RTCPeerConnection receiving video and audio over
 * WHEP (offer with all its candidates POSTed to the endpoint, answer applied, DELETE on
 * leaving), live controls posted to the control path, and a statistics line. A browser that
 * offers no H.264 receiver (Debian's Firefox without OpenH264) is told so and plays the sound.
 * Tests read `window.__viewer`.
 */
import { CONTROL_PATH, WHEP_PATH } from './constants.js';

export function viewerPage(title: string): string {
  const esc = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc}</title>
<style>body{font:14px system-ui,sans-serif;margin:1rem;background:#111;color:#eee}video{max-width:100%;background:#000}
form{margin:.5rem 0}label{margin-right:1rem}#status{color:#fc6}#stats{font-family:monospace}</style></head>
<body><h1>${esc}</h1>
<video id="video" autoplay playsinline muted controls></video>
<p id="status">connecting…</p><p id="stats"></p>
<form id="controls"><label>bitrate kbit/s <input name="bitrate" type="number" min="50" max="14000" value=""></label>
<label>size <select name="size"><option value="">—</option><option>320x180</option><option>640x360</option><option>960x540</option><option>1280x720</option></select></label>
<label>fps <input name="fps" type="number" min="1" max="60" value=""></label><button>apply</button></form>
<script type="module">
const status = document.getElementById('status');
const statsLine = document.getElementById('stats');
const video = document.getElementById('video');
const caps = (RTCRtpReceiver.getCapabilities && RTCRtpReceiver.getCapabilities('video')) || { codecs: [] };
const videoCodecs = [...new Set(caps.codecs.map((c) => c.mimeType.replace('video/', '')).filter((m) => !/rtx|red|ulpfec|flexfec/i.test(m)))];
const h264 = videoCodecs.some((m) => /^h264$/i.test(m));
const viewer = { h264, videoCodecs, resource: undefined, error: undefined, pc: undefined };
window.__viewer = viewer;
async function start() {
  const pc = new RTCPeerConnection();
  viewer.pc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.ontrack = (e) => { stream.addTrack(e.track); video.srcObject = stream; };
  pc.onconnectionstatechange = () => { status.textContent = pc.connectionState + (h264 ? '' : ' — ' + noPicture); };
  const noPicture = 'this browser offers no H.264 receiver (it lists ' + (videoCodecs.join(', ') || 'nothing') + '); the stream is H.264, so there is sound but no picture';
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, 2000);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } });
  });
  const res = await fetch(${JSON.stringify(WHEP_PATH)}, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHEP ' + res.status + ': ' + (await res.text()));
  viewer.resource = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  addEventListener('pagehide', () => fetch(viewer.resource, { method: 'DELETE', keepalive: true }));
  status.textContent = 'connected' + (h264 ? '' : ' — ' + noPicture);
}
viewer.stats = async () => {
  const out = { video: undefined, audio: undefined };
  if (!viewer.pc) return out;
  for (const r of (await viewer.pc.getStats()).values()) {
    if (r.type === 'inbound-rtp') out[r.kind] = r;
  }
  return out;
};
setInterval(async () => {
  const { video: v, audio: a } = await viewer.stats();
  statsLine.textContent = (v ? v.frameWidth + 'x' + v.frameHeight + ' ' + (v.framesPerSecond ?? 0) + ' fps, ' + v.framesDecoded + ' frames' : 'no video') + (a ? ', audio ' + a.packetsReceived + ' packets' : '');
}, 1000);
document.getElementById('controls').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = {};
  if (f.get('bitrate')) body.bitrateBps = Number(f.get('bitrate')) * 1000;
  if (f.get('fps')) body.frameRate = Number(f.get('fps'));
  if (f.get('size')) { const [w, h] = String(f.get('size')).split('x').map(Number); body.width = w; body.height = h; }
  const res = await fetch(${JSON.stringify(CONTROL_PATH)}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  status.textContent = res.ok ? 'applied ' + JSON.stringify(body) : 'refused: ' + (await res.text());
});
viewer.ready = start().catch((e) => { viewer.error = String(e); status.textContent = 'error: ' + e; });
</script></body></html>
`;
}

/**
 * The page served to Chromium: fetches a job's access units, decodes them with WebCodecs
 * `VideoDecoder` (no `description`, so the chunks are read as Annex B), and posts each
 * decoded picture's I420 planes back to the harness server.
 */
export const DECODER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>spellbook webcodecs decoder</title></head>
<body><script>
window.decodeJob = async function (id) {
  const meta = await (await fetch('/job/' + id + '/meta')).json();
  const data = new Uint8Array(await (await fetch('/job/' + id + '/data')).arrayBuffer());
  const config = { codec: meta.codec, hardwareAcceleration: meta.hardwareAcceleration, optimizeForLatency: true };
  const support = await VideoDecoder.isConfigSupported(config);
  if (!support.supported) return { count: 0, error: 'VideoDecoder does not support ' + JSON.stringify(config) };
  let error = null;
  let count = 0;
  const posts = [];
  const decoder = new VideoDecoder({
    output: (frame) => {
      const index = count++;
      const w = frame.visibleRect.width;
      const h = frame.visibleRect.height;
      const cw = (w + 1) >> 1;
      const ch = (h + 1) >> 1;
      const buf = new Uint8Array(w * h + 2 * cw * ch);
      const layout = [
        { offset: 0, stride: w },
        { offset: w * h, stride: cw },
        { offset: w * h + cw * ch, stride: cw },
      ];
      const opts = frame.format === 'I420' ? { layout } : { layout, format: 'I420' };
      const format = frame.format;
      posts.push(
        frame.copyTo(buf, opts).then(() => {
          frame.close();
          return fetch('/job/' + id + '/frame/' + index + '?w=' + w + '&h=' + h + '&ts=' + frame.timestamp + '&format=' + format, { method: 'POST', body: buf });
        }).catch((e) => { error = error || ('copy/post: ' + e); }),
      );
    },
    error: (e) => { error = error || String(e); },
  });
  decoder.configure(config);
  let offset = 0;
  for (let i = 0; i < meta.sizes.length; i++) {
    const chunk = new EncodedVideoChunk({ type: meta.keys[i] ? 'key' : 'delta', timestamp: i, data: data.subarray(offset, offset + meta.sizes[i]) });
    offset += meta.sizes[i];
    decoder.decode(chunk);
  }
  try { await decoder.flush(); } catch (e) { error = error || ('flush: ' + e); }
  await Promise.all(posts);
  if (decoder.state !== 'closed') decoder.close();
  return { count, error };
};

window.encodeJob = async function (id) {
  const meta = await (await fetch('/job/' + id + '/meta')).json();
  const frames = [];
  for (let i = 0; i < meta.frames; i++) frames.push(new Uint8Array(await (await fetch('/job/' + id + '/input/' + i)).arrayBuffer()));
  const support = await VideoEncoder.isConfigSupported(meta.config);
  if (!support.supported) return { count: 0, error: 'VideoEncoder does not support ' + JSON.stringify(meta.config) };
  let error = null;
  let count = 0;
  const chunks = [];
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const buf = new Uint8Array(chunk.byteLength);
      chunk.copyTo(buf);
      chunks.push({ index: count++, key: chunk.type === 'key', buf });
    },
    error: (e) => { error = error || String(e); },
  });
  encoder.configure(meta.config);
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i++) {
    const frame = new VideoFrame(frames[i], { format: 'I420', codedWidth: meta.config.width, codedHeight: meta.config.height, timestamp: Math.round(i * 1e6 / meta.config.framerate) });
    encoder.encode(frame, { keyFrame: i % meta.keyInterval === 0 });
    frame.close();
  }
  try { await encoder.flush(); } catch (e) { error = error || ('flush: ' + e); }
  const encodeMs = performance.now() - t0;
  if (encoder.state !== 'closed') encoder.close();
  for (const c of chunks) await fetch('/job/' + id + '/chunk/' + c.index + '?key=' + (c.key ? 1 : 0), { method: 'POST', body: c.buf });
  return { count, error, encodeMs };
};
</script></body></html>`;

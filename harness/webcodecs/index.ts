export { WebCodecsDecoder, isKeyAccessUnit, CHROMIUM_PATH, CHROMIUM_ARGS, type DecodedPicture, type DecodeOptions, type EncodedChunk, type EncodeOptions, type EncodeResult } from './decoder.js';

export { WebCodecsDecoder, isKeyAccessUnit, CHROMIUM_PATH, CHROMIUM_ARGS, type DecodedPicture, type DecodeOptions } from './decoder.js';

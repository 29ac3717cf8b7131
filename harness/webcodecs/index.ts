export { WebCodecsDecoder, isKeyAccessUnit, type DecodedPicture, type DecodeOptions, type EncodedChunk, type EncodeOptions, type EncodeResult } from './decoder.js';

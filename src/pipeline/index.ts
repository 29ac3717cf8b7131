/**
 * spellbook/pipeline: media pipelines as code. Nodes with typed ports (audio, video, data, text)
 * joined by edges with bounded queues (block, drop-oldest, coalesce); latency measured by the
 * runtime itself; RemoteMedia v1 manifests read and written (through spellbook/pipeline-manifest)
 * with RemoteMedia's node types and our own sources, sinks and encoders. Public API only; no side effects.
 */
export { Pipeline, type AddOptions, type Edge, type EdgeOptions, type EdgeStats, type GraphNodeInfo, type NodeStats, type PipelineStats, type RunOptions } from './pipeline.js';
export { fn, source, sink, type PipelineNode, type NodeContext, type PortSpec, type NodeRequirements, type FunctionNodeOptions } from './node.js';
export { createNode, NODE_TYPES, type CreateNodeOptions } from './registry.js';
export { frameToJSON, frameFromJSON, audioFrames, audioDurationUs, i420Size, type Frame, type FrameKind, type FrameTiming, type AudioFrame, type VideoFrame, type DataFrame, type TextFrame } from './frame.js';
export { EdgeQueue, type QueueOptions, type QueueStats } from './queue.js';
export { decidePlacement, executorLacks, type PlacementDecision, type RemoteExecution, type ExecutorInfo, type ExecutorCapabilities } from './placement.js';
export { LatencyWindow, wallClockMs, type LatencySummary } from './stats.js';
export { SincResampler, type ResampleQuality } from './nodes/resample.js';
export { SILERO_INSTALL, SILERO_MODEL_PACKAGE, SILERO_RUNTIME_PACKAGE, type SileroEvent } from './nodes/silero.js';
export { openInput } from './input.js';
export { PipelineError, PipelineStopped, type PipelineErrorCode } from './errors.js';
export { DEFAULTS as PIPELINE_DEFAULTS, LIMITS as PIPELINE_LIMITS, FRAME_KINDS } from './constants.js';

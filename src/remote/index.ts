/**
 * `spellbook/remote`: pipeline nodes that run on another machine over WebRTC. `Executor` is
 * the server behind `spell serve` (a signaling server plus an agent that answers callers and
 * runs their sub-pipelines); `connectExecutor` is the caller's connection; `RemoteExecutors`
 * plugs executors into a Pipeline's placement. Wire format: `wire.ts`. No side effects.
 */
export { Executor, type ExecutorOptions, type ExecutorEvents, type ExecutorStats } from './executor.js';
export { connectExecutor, executorUrl, ExecutorConnection, RemoteSession, type ConnectOptions, type SessionOutput } from './client.js';
export { RemoteExecutors, subManifest, type RemoteExecutorsOptions, type HopStats } from './directory.js';
export { encodeMessage, decodeMessage, chunkMessage, WireReader, type ControlMessage, type FrameMessage, type PackageDataMessage, type WireMessage, type SessionStats } from './wire.js';
export { ExecutorPackages, PackageTransfer, packageDigestOf, packageSource, startPackage, type ExecutorPackageOptions, type LoadedPackage, type PackageSource } from './packages.js';
export { RemoteError, type RemoteErrorCode } from './errors.js';
export { DEFAULTS as REMOTE_DEFAULTS, LIMITS as REMOTE_LIMITS, PROTOCOL as REMOTE_PROTOCOL, DEFAULT_ALLOWED_NODE_TYPES } from './constants.js';

/**
 * The browser entry of the swarm: the same agent code with the page's RTCPeerConnection
 * (`browserTransport`) and the page's WebSocket. Bundle this file for a page (the harness
 * does it with esbuild, stubbing the Node-only `node-datachannel` and `ws` imports that the
 * browser path never loads).
 */
import { SwarmAgent as SwarmAgentCore, type SwarmAgentOptions } from './agent.js';
import { browserTransport } from './browser-transport.js';

export type BrowserSwarmAgentOptions = Omit<SwarmAgentOptions, 'transport' | 'bindAddress'> & { transport?: SwarmAgentOptions['transport'] };

/** A swarm agent on the browser's own RTCPeerConnection and WebSocket. */
export class BrowserSwarmAgent extends SwarmAgentCore {
  constructor(options: BrowserSwarmAgentOptions) {
    super({ ...options, transport: options?.transport ?? browserTransport(), WebSocket: options?.WebSocket ?? globalThis.WebSocket });
  }
}

export { browserTransport, SwarmAgentCore };
export { Topology, chosenNeighbours, fnv1a } from './topology.js';
export { SwarmError, TaskError } from './errors.js';

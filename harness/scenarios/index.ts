/**
 * The scenarios `spell conform` can run, in default order. Only scenarios that are built are
 * listed: video-720p30, audio-opus, controls and recovery are not (see docs/conformance.md).
 */
import type { Scenario } from '../types.js';
import { datachannelScenario } from './datachannel.js';
import { reverseScenario } from './reverse.js';

export const SCENARIOS: readonly Scenario[] = [datachannelScenario, reverseScenario];

export function scenarioNames(registry: readonly Scenario[] = SCENARIOS): string[] {
  return registry.map((s) => s.name);
}

/**
 * The scenarios `spell conform` can run, in default order. Only scenarios that are built are
 * listed: video-720p30 and controls are not yet (see docs/conformance.md).
 */
import type { Scenario } from '../types.js';
import { audioScenario } from './audio.js';
import { datachannelScenario } from './datachannel.js';
import { recoveryScenario } from './recovery.js';
import { reverseScenario } from './reverse.js';

export const SCENARIOS: readonly Scenario[] = [audioScenario, datachannelScenario, recoveryScenario, reverseScenario];

export function scenarioNames(registry: readonly Scenario[] = SCENARIOS): string[] {
  return registry.map((s) => s.name);
}

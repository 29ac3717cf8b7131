/**
 * The scenarios `spell conform` can run, in default order. Only scenarios that are built are
 * listed: video-720p30 is not yet (see docs/conformance.md).
 */
import type { Scenario } from '../types.js';
import { audioScenario } from './audio.js';
import { controlsScenario } from './controls.js';
import { datachannelScenario } from './datachannel.js';
import { recoveryScenario } from './recovery.js';
import { reverseScenario } from './reverse.js';

export const SCENARIOS: readonly Scenario[] = [audioScenario, datachannelScenario, controlsScenario, recoveryScenario, reverseScenario];

export function scenarioNames(registry: readonly Scenario[] = SCENARIOS): string[] {
  return registry.map((s) => s.name);
}

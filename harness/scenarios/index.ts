/**
 * The scenarios `spell conform` can run, in default order (docs/conformance.md describes each).
 */
import type { Scenario } from '../types.js';
import { audioScenario } from './audio.js';
import { controlsScenario } from './controls.js';
import { datachannelScenario } from './datachannel.js';
import { recoveryScenario } from './recovery.js';
import { reverseScenario } from './reverse.js';
import { meshScenario } from './mesh.js';
import { packageScenario } from './package.js';
import { pipelineScenario } from './pipeline.js';
import { swarmScenario } from './swarm.js';
import { videoScenario } from './video.js';

export const SCENARIOS: readonly Scenario[] = [videoScenario, audioScenario, datachannelScenario, controlsScenario, recoveryScenario, reverseScenario, swarmScenario, meshScenario, pipelineScenario, packageScenario];

export function scenarioNames(registry: readonly Scenario[] = SCENARIOS): string[] {
  return registry.map((s) => s.name);
}

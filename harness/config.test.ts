import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from './config.js';
import { selectScenarios, settingsFor, UnknownScenarioError } from './runner.js';
import { loadSchema } from './schemas.js';
import { SCENARIOS } from './scenarios/index.js';

/** The configuration CI runs after the unit tests. */
const CI_CONFIG = fileURLToPath(new URL('../conformance/ci.yaml', import.meta.url));
/** Longest duration CI may give a scenario, seconds (controls needs about 20 for its phases). */
const CI_MAX_DURATION = 20;
/** Every scenario of the plan, in the order `spell conform` runs them. */
const PLANNED = ['video-720p30', 'audio-opus', 'datachannel', 'controls', 'recovery', 'reverse', 'swarm', 'mesh', 'pipeline', 'package'];

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'conform.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no error');
}

const VALID = `# conformance settings
duration: 6
scenarios:
  datachannel:
    duration: 4
    thresholds:
      minThroughputMBps: 12
      maxRttP95Ms: 3
  reverse:
    thresholds:
      maxRateDeviation: 0.05
`;

describe('conformance config', () => {
  it('reads durations and thresholds, and settings apply them over the defaults with --duration last', () => {
    const config = parseConfig(VALID);
    const [dc, rev] = selectScenarios(['datachannel', 'reverse']);
    expect(settingsFor(dc!, config, undefined)).toEqual({
      duration: 4,
      thresholds: { ...dc!.defaults.thresholds, minThroughputMBps: 12, maxRttP95Ms: 3 },
    });
    expect(settingsFor(rev!, config, undefined)).toEqual({ duration: 6, thresholds: { ...rev!.defaults.thresholds, maxRateDeviation: 0.05 } });
    expect(settingsFor(rev!, config, 2).duration).toBe(2);
    expect(settingsFor(rev!, undefined, undefined)).toEqual(rev!.defaults);
  });

  it('rejects an unknown key with the line and column of the key', () => {
    const e = errorOf(VALID.replace('      maxRttP95Ms: 3', '      maxRttP95Ms: 3\n      maxJitterMs: 9'));
    expect(e.message).toContain("unknown key 'maxJitterMs'");
    expect([e.line, e.column]).toEqual([9, 7]);
    const top = errorOf('duraton: 5\n');
    expect([top.line, top.column]).toEqual([1, 1]);
    expect(top.message).toBe("conform.yaml:1:1: unknown key 'duraton'");
    const scenario = errorOf('scenarios:\n  no-such-scenario:\n    duration: 3\n');
    expect(scenario.message).toContain("unknown key 'no-such-scenario'");
    expect(scenario.line).toBe(2);
  });

  it('rejects a value of the wrong type or range at its line', () => {
    const e = errorOf(VALID.replace('minThroughputMBps: 12', 'minThroughputMBps: fast'));
    expect(e.message).toContain('/scenarios/datachannel/thresholds/minThroughputMBps must be number');
    expect([e.line, e.column]).toEqual([7, 26]);
    const negative = errorOf('duration: -1\n');
    expect(negative.line).toBe(1);
    expect(negative.message).toContain('/duration must be > 0');
    const width = errorOf('scenarios:\n  reverse:\n    thresholds:\n      width: 1280.5\n');
    expect(width.line).toBe(4);
    expect(width.message).toContain('must be integer');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const syntax = errorOf('scenarios:\n  datachannel:\n    duration: [3\n');
    expect(syntax.line).toBeGreaterThanOrEqual(3);
    const dup = errorOf('duration: 3\nduration: 4\n');
    expect(dup.line).toBe(2);
  });

  it('accepts an empty file as no settings', () => {
    expect(parseConfig('')).toEqual({});
    expect(parseConfig('# nothing\n')).toEqual({});
  });

  it('lists only the built scenarios, and an unknown name is an error naming them', () => {
    const names = SCENARIOS.map((s) => s.name);
    // Planned names only, in the planned order; audio-opus, datachannel and reverse are built.
    expect(names).toEqual(PLANNED.filter((n) => names.includes(n)));
    expect(names).toEqual(expect.arrayContaining(['audio-opus', 'datachannel', 'reverse']));
    expect(() => selectScenarios(['no-such-scenario'])).toThrow(UnknownScenarioError);
    expect(() => selectScenarios(['no-such-scenario'])).toThrow(`available: ${names.join(', ')}`);
  });

  it('the config schema describes exactly the thresholds of every registered scenario, and accepts their defaults', () => {
    type Props = { properties: Record<string, { properties: { thresholds: { properties: Record<string, unknown> } } }> };
    const described = (loadSchema('conformance-config.schema.json') as { properties: { scenarios: Props } }).properties.scenarios.properties;
    for (const s of SCENARIOS) {
      expect(Object.keys(described[s.name]?.properties.thresholds.properties ?? {}).sort(), s.name).toEqual(Object.keys(s.defaults.thresholds).sort());
      expect(Object.keys(s.thresholdDocs).sort(), s.name).toEqual(Object.keys(s.defaults.thresholds).sort());
    }
    const defaults = { scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.name, { duration: s.defaults.duration, thresholds: s.defaults.thresholds }])) };
    expect(parseConfig(stringify(defaults))).toEqual(defaults);
  });

  it('conformance/ci.yaml validates and gives every registered scenario a short duration and only thresholds it has', () => {
    const config = loadConfig(CI_CONFIG);
    const names = SCENARIOS.map((s) => s.name);
    const configured = Object.keys(config.scenarios ?? {});
    expect(configured.filter((n) => !names.includes(n))).toEqual([]);
    for (const s of SCENARIOS) {
      const own = config.scenarios?.[s.name];
      expect(own?.duration, `${s.name} has its own duration in ci.yaml`).toBeGreaterThan(0);
      expect(own!.duration!).toBeLessThanOrEqual(CI_MAX_DURATION);
      for (const key of Object.keys(own?.thresholds ?? {})) expect(s.defaults.thresholds, `${s.name}.${key}`).toHaveProperty(key);
      expect(settingsFor(s, config, undefined).duration).toBe(own!.duration);
    }
    const audio = SCENARIOS.find((s) => s.name === 'audio-opus')!;
    expect(settingsFor(audio, config, undefined)).toEqual({ duration: 5, thresholds: { ...audio.defaults.thresholds, minPacketRate: 45, maxPacketRate: 55, maxConcealedPercent: 1 } });
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { selectScenarios, settingsFor, UnknownScenarioError } from './runner.js';
import { SCENARIOS } from './scenarios/index.js';

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
    const scenario = errorOf('scenarios:\n  video-720p30:\n    duration: 3\n');
    expect(scenario.message).toContain("unknown key 'video-720p30'");
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
    expect(SCENARIOS.map((s) => s.name)).toEqual(['datachannel', 'reverse']);
    expect(() => selectScenarios(['video-720p30'])).toThrow(UnknownScenarioError);
    expect(() => selectScenarios(['audio-opus'])).toThrow('available: datachannel, reverse');
  });
});

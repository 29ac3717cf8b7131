/** ScenarioContext.artifact: files a scenario hands to the run land in `<run folder>/<scenario>/`, and bad names are refused. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTrue } from './checks.js';
import { runConformance } from './runner.js';
import type { Scenario } from './types.js';

const out = mkdtempSync(join(tmpdir(), 'conform-artifacts-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('scenario artifacts', () => {
  it('writes each artifact beside the reports under the scenario name, and refuses a name with a path in it', async () => {
    let refused = '';
    const writer: Scenario = {
      name: 'writer',
      description: 'writes two artifacts',
      defaults: { duration: 1, thresholds: {} },
      thresholdDocs: {},
      async run(ctx) {
        ctx.artifact?.('log.jsonl', '{"index":0}\n');
        ctx.artifact?.('checkpoint.note', 'origin\n1\n');
        try {
          ctx.artifact?.('../escape.txt', 'no');
        } catch (e) {
          refused = (e as Error).message;
        }
        return [isTrue('wrote', true)];
      },
    };
    const result = await runConformance({ registry: [writer], outDir: out, runId: 'artifacts', output: { write: () => undefined, isTTY: false, columns: 80 } });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(result.dir, 'writer', 'log.jsonl'), 'utf8')).toBe('{"index":0}\n');
    expect(readFileSync(join(result.dir, 'writer', 'checkpoint.note'), 'utf8')).toBe('origin\n1\n');
    expect(refused).toMatch(/artifact name/);
  });
});

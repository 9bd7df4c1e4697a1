import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService, type RunningService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'complaint-resolution.ts');
const temp = tempDataDir();
const running: RunningService[] = [];
afterAll(async () => {
  for (const service of running) if (service.process.exitCode === null) await service.stop();
  temp.cleanup();
});

describe('roc-ledger project remove', () => {
  it("stops an analyst's module in the running service and unregisters it; built-in projections stay", async () => {
    expect(cli(temp.dir, ['demo', 'load', '--customers', '40', '--years', '1', '--seed', 'project-remove']).status).toBe(0);
    const adminKey = cli(temp.dir, ['keys', 'create', '--id', 'admin', '--scope', 'admin', 'read']).stdout.trim();
    const env = { ROC_LEDGER_API_KEY: adminKey };
    const keys = async (service: RunningService) =>
      ((await (await fetch(`${service.url}/v1/projections`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as { projections: { key: string }[] }).projections.map((p) => p.key).sort();

    const first = await startService(temp.dir);
    running.push(first);
    expect(cli(temp.dir, ['project', 'add', example, '--url', first.url], env).status).toBe(0);
    expect(await keys(first)).toContain('complaint-resolution@1');
    // project status tells the analyst's module (its path) from the built-in projections.
    const status = cli(temp.dir, ['project', 'status']).stdout;
    expect(status).toMatch(new RegExp(`complaint-resolution@1 .*${example.replaceAll('/', '\\/').replaceAll('.', '\\.')}`));
    expect(status).toMatch(/trust-score@103 .*\(built in\)/);

    const removed = cli(temp.dir, ['project', 'remove', 'complaint-resolution', '--url', first.url], env);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('complaint-resolution removed from');
    expect(removed.stdout).toContain('complaint-resolution@1 stopped');
    expect(await keys(first)).toEqual(['customer-view@3', 'ledger-activity@1', 'trust-score@103']);

    const builtIn = cli(temp.dir, ['project', 'remove', 'trust-score', '--url', first.url], env);
    expect(builtIn.status).toBe(3);
    expect(builtIn.stderr).toMatch(/409 PROJ_ERR_NOT_REMOVABLE .*built in/);
    const unknown = cli(temp.dir, ['project', 'remove', 'complaint-resolution', '--url', first.url], env);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toContain('404');
    const keyless = cli(temp.dir, ['project', 'remove', 'complaint-resolution', '--url', first.url], { ROC_LEDGER_API_KEY: '' });
    expect(keyless.status).toBe(5);
    expect(keyless.stderr).toContain('CLI_ERR_INVALID_CONFIG');
    expect(await first.stop()).toBe(0);

    // A restart does not load it again.
    const second = await startService(temp.dir);
    running.push(second);
    expect(await keys(second)).toEqual(['customer-view@3', 'ledger-activity@1', 'trust-score@103']);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});

// docs/cli.md's table of commands against the command tree itself: every command, and each of its
// options, is in the table, so the reference cannot fall behind the CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../packages/cli/src/main.ts';

const reference = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
/** The first cell of each row of the table under "## Commands": how each command is called. */
const usages = (/## Commands\n([\s\S]*?)\n## /.exec(reference)?.[1] ?? '')
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.slice(2, line.indexOf(' | ')));

const leaves = (command: Command, path: string[] = []): { path: string; options: string[][] }[] =>
  command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    if (sub.commands.length > 0) return leaves(sub, here);
    return [{ path: here.join(' '), options: sub.options.filter((o) => o.long !== '--help').map((o) => [o.long, o.short].filter((f): f is string => f !== undefined)) }];
  });

describe('docs/cli.md', () => {
  const commands = leaves(buildProgram(() => undefined));

  it('has a table of commands', () => {
    expect(usages.length).toBeGreaterThan(15);
  });

  it.each(commands.map((c) => [c.path, c] as const))('gives `%s` with every option it takes', (path, command) => {
    // Its rows: those that name it (a command may have two, like digest and digest --merkle).
    const usage = usages.filter((u) => u.includes(`\`${path} `) || u.includes(`\`${path}\``) || u.includes(`/ \`${path.split(' ').at(-1)}`)).join(' ');
    expect(usage, `no row for ${path}`).not.toBe('');
    // An option counts as given by its long or its short flag.
    expect(command.options.filter((flags) => !flags.some((flag) => new RegExp(`${flag}(?![\\w-])`).test(usage)))).toEqual([]);
  });
});

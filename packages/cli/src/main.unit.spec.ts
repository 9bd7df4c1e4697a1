import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.ts';

const everyCommand = (command: Command, path: string[] = []): [string, Command][] =>
  command.commands.flatMap((sub) => [[[...path, sub.name()].join(' '), sub] as [string, Command], ...everyCommand(sub, [...path, sub.name()])]);

describe('the roc-ledger command tree', () => {
  it('describes every command and subcommand in its help', () => {
    const commands = everyCommand(buildProgram(() => undefined));
    expect(commands.length).toBeGreaterThan(30);
    expect(commands.filter(([, command]) => command.description().trim() === '').map(([name]) => name)).toEqual([]);
  });
});

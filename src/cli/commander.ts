import { createRequire } from 'node:module';

/**
 * Commander, loaded with require: commander is CommonJS, and importing it as ESM costs its start-up more than its
 * own code does (Node scans the CommonJS source for named exports). Help must start in little more than Node's time.
 */
const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Command, CommanderError, Option } = commander;
export type Command = import('commander').Command;
export type Option = import('commander').Option;
export type CommanderError = import('commander').CommanderError;

import { CryptocollectError, errorMessage, InternalError, type ErrorCode, type ErrorDetails } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** The `--json` document of every error, parser errors included. */
export interface ErrorDocument {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly exit_code: number;
    readonly details: ErrorDetails;
  };
}

export interface ErrorReport {
  /** The one line for stderr, without the `cryptocollect: ` prefix. */
  readonly line: string;
  readonly exitCode: number;
  readonly document: ErrorDocument;
}

/**
 * What the user is told of an error. One the user can fix says what to fix; anything else is a bug (an
 * InternalError, or an error no code of ours named), and says so, with the version to report it with.
 */
export function errorReport(err: unknown, version: string): ErrorReport {
  if (err instanceof CryptocollectError && !(err instanceof InternalError)) {
    return { line: err.message, exitCode: err.exitCode, document: { error: { code: err.code, message: err.message, exit_code: err.exitCode, details: err.details } } };
  }
  const message = errorMessage(err);
  const line = `internal error: ${message}; this is a bug, please report it with cryptocollect ${version} and the command (run with --verbose for the stack)`;
  return { line, exitCode: EXIT.failure, document: { error: { code: 'internal', message: line, exit_code: EXIT.failure, details: {} } } };
}

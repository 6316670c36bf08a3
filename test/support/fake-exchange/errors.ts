// Binance error bodies ({"code":<negative>,"msg":"..."}) with the HTTP status Binance pairs them
// with. Messages copy Binance's wording because clients (and humans) sometimes log or match them.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }

  body(): string {
    return JSON.stringify({ code: this.code, msg: this.msg });
  }
}

export const SYMBOL_RANGE = '^[A-Z0-9-_.]{1,20}$';
export const NUMBER_RANGE = '^[0-9]{1,20}$';
export const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

export const mandatoryParam = (name: string): ApiError =>
  new ApiError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const illegalChars = (name: string, range: string): ApiError =>
  new ApiError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`);

export const invalidSymbol = (): ApiError => new ApiError(400, -1121, 'Invalid symbol.');

export const invalidInterval = (): ApiError => new ApiError(400, -1120, 'Invalid interval.');

/** -1130 INVALID_PARAMETER, e.g. limit outside 1..1000. */
export const invalidParam = (name: string): ApiError =>
  new ApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);

export const startAfterEnd = (): ApiError => new ApiError(400, -1023, 'Start time is greater than end time.');

export const badCombination = (): ApiError => new ApiError(400, -1128, 'Combination of optional parameters invalid.');

export const tooMuchWeight = (limit: number, intervalNum: number, interval: string): ApiError =>
  new ApiError(
    429,
    -1003,
    `Too much request weight used; current limit is ${limit} request weight per ${intervalNum} ${interval}. Please use WebSocket Streams for live updates to avoid polling the API.`,
  );

export const ipBanned = (until: number): ApiError =>
  new ApiError(
    418,
    -1003,
    `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
  );

export const restrictedLocation = (): ApiError =>
  new ApiError(
    451,
    0,
    "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
  );

/** Messages of the retryable server-side codes, for binanceError faults. */
const SERVER_MESSAGES: Record<number, [status: number, msg: string]> = {
  [-1000]: [500, 'An unknown error occurred while processing the request.'],
  [-1001]: [500, 'Internal error; unable to process your request. Please try again.'],
  [-1006]: [500, 'An unexpected response was received from the message bus. Execution status unknown.'],
  [-1007]: [503, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.'],
  [-1008]: [503, 'Server is currently overloaded with other requests. Please try again in a few minutes.'],
};

/** An arbitrary Binance error by code: server-side codes get 5xx, everything else 400. */
export function errorForCode(code: number): ApiError {
  const known = SERVER_MESSAGES[code];
  if (known) return new ApiError(known[0], code, known[1]);
  return new ApiError(400, code, `Error ${code}.`);
}

// The error the time, calendar, timeframe and session helpers throw. The helpers are plain functions
// usable without a Runtime, so they throw; the registry adapters turn a TimeError into
// `rt.fail(code, message)`, which adds the bar and the source location.

/** Runtime error codes of this area. */
export const TIME_ERROR = {
  /** A time zone name that is neither IANA nor a UTC/GMT offset. */
  timezone: 'RT_TIMEZONE',
  /** A timeframe string that is not in Pine's timeframe format, or has no length in seconds. */
  timeframe: 'RT_TIMEFRAME',
  /** A date string timestamp() cannot read. */
  date: 'RT_DATE',
  /** A session string or schedule that cannot be read. */
  session: 'RT_SESSION',
} as const;

export type TimeErrorCode = (typeof TIME_ERROR)[keyof typeof TIME_ERROR];

export class TimeError extends Error {
  constructor(
    readonly code: TimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TimeError';
  }
}

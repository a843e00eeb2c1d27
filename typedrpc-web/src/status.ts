// Status codes: the frame protocol uses gRPC's numbers, which are Connect-ES's Code values too.

import { Code, ConnectError } from "@connectrpc/connect";

/** The Connect code of a gRPC status number; unknown numbers are Unknown, as gRPC reads them. */
export function codeOf(status: number): Code {
  return status >= 1 && status <= 16 ? (status as Code) : Code.Unknown;
}

/** A ConnectError for a status the transport itself decided. */
export function errorOf(code: Code, message: string, metadata?: Headers): ConnectError {
  return new ConnectError(message, code, metadata);
}

/** The status number to put in a CANCEL for an abort reason. */
export function cancelCodeOf(reason: unknown): Code {
  const e = ConnectError.from(reason, Code.Canceled);
  return e.code === Code.DeadlineExceeded ? Code.DeadlineExceeded : Code.Canceled;
}

/** An RFC 9457 problem document: how the HTTP API reports every error. Part of the wire contract. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable error code; see docs/errors.md. */
  code: string;
  instance?: string;
  requestId?: string;
  eventId?: string;
  errors?: { path: string; message: string }[];
}

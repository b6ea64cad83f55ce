// Bounds of the web server, one place for both adapters (node:http on the host, the
// SDK's http Server on the board): a slow or huge request, or many connections, must
// not hold memory or time the gateway needs for the terminal.

export interface WebLimits {
  /** Open TCP connections at once; more are answered 503 and closed. */
  maxConnections: number;
  /** Request line target (path + query), bytes. */
  maxTarget: number;
  /** All header lines together (names + values), bytes. */
  maxHeaderBytes: number;
  maxHeaders: number;
  /** Request body (JSON), bytes. */
  maxBody: number;
  /** Whole request, first byte to last, ms; a slower one is answered 408 and closed. */
  requestMs: number;
  /** Session lifetime without a request, ms. */
  sessionIdleMs: number;
  maxSessions: number;
  /** Answer delay after a wrong password, ms (grows with each consecutive failure, up to 4x). */
  loginDelayMs: number;
  /** Consecutive wrong passwords that lock logins, and for how long, ms. */
  lockoutAfter: number;
  lockoutMs: number;
  /** PBKDF2 iterations per event-loop turn while checking a password. */
  hashStep: number;
}

export const DEFAULT_LIMITS: Readonly<WebLimits> = {
  maxConnections: 4,
  maxTarget: 256,
  maxHeaderBytes: 2048,
  maxHeaders: 32,
  maxBody: 4096,
  requestMs: 5000,
  sessionIdleMs: 15 * 60 * 1000,
  maxSessions: 4,
  loginDelayMs: 1000,
  lockoutAfter: 5,
  lockoutMs: 60 * 1000,
  hashStep: 16,
};

/**
 * The board's bounds: two web connections at once (a browser's page load and one more
 * tab or a script). Each open connection may hold lwIP's TCP send buffer and window
 * (boards/sdkconfig: 2 x MSS each), and heap is what the RAM budget of an ESP32 counts
 * (hosttest/lib/ram-budget.ts): four connections did not fit beside the XS machine.
 */
export const BOARD_LIMITS: Readonly<WebLimits> = { ...DEFAULT_LIMITS, maxConnections: 2 };

/** A request refused before it reaches the API: status and the reason sent back. */
export interface Refusal {
  status: number;
  reason: string;
}

/** Headers the API reads; the adapters keep only these (lower-case names). */
export const KEPT_HEADERS = ["cookie", "x-csrf-token", "content-type", "origin", "host"];

/**
 * Counts one request as the adapter receives it. Each call returns a refusal as soon
 * as a bound is crossed, so the adapter can answer and close without reading more.
 */
export class RequestMeter {
  private readonly l: WebLimits;
  private headerBytes = 0;
  private headerCount = 0;
  private bodyBytes = 0;

  constructor(limits: WebLimits) {
    this.l = limits;
  }

  start(method: string, target: string): Refusal | undefined {
    if (target.length > this.l.maxTarget)
      return { status: 414, reason: `request target longer than ${this.l.maxTarget} bytes` };
    if (method !== "GET" && method !== "POST")
      return { status: 405, reason: `method ${method.slice(0, 10)} not allowed (GET or POST)` };
    return undefined;
  }

  header(name: string, value: string): Refusal | undefined {
    this.headerBytes += name.length + value.length + 4;
    if (++this.headerCount > this.l.maxHeaders)
      return { status: 431, reason: `more than ${this.l.maxHeaders} header lines` };
    if (this.headerBytes > this.l.maxHeaderBytes)
      return { status: 431, reason: `headers longer than ${this.l.maxHeaderBytes} bytes` };
    if (name === "content-length") {
      if (!/^[0-9]{1,9}$/.test(value)) return { status: 400, reason: "bad content-length" };
      if (Number(value) > this.l.maxBody) return { status: 413, reason: `body longer than ${this.l.maxBody} bytes` };
    }
    if (name === "transfer-encoding")
      return { status: 411, reason: "chunked request bodies are not accepted; send content-length" };
    return undefined;
  }

  body(count: number): Refusal | undefined {
    this.bodyBytes += count;
    return this.bodyBytes > this.l.maxBody
      ? { status: 413, reason: `body longer than ${this.l.maxBody} bytes` }
      : undefined;
  }
}

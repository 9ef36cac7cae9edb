import type { RequestParser } from './parser';
import type { ResolvedOptions } from './server-options';

/** Which of a connection's limits is running. */
export enum Clock {
  None,
  /** `headersTimeout`: from a request's first byte (or from connect) to its complete head. */
  Headers,
  /** `requestTimeout`: the whole request, body included. */
  Request,
  /** `keepAliveTimeout`: idle between requests. */
  KeepAlive,
}

type Timeouts = Pick<ResolvedOptions, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;

/**
 * A connection's one timer, re-armed as the connection moves between phases: every connection
 * owns its clock, so a slowloris is cut at its own deadline (no periodic sweep, unlike node).
 *
 * The timer is re-armed lazily: a phase change only records the new deadline, and a timer that
 * fires early checks it and sleeps for the remainder. A keep-alive request/answer cycle moves
 * the deadline twice per request; clearing and re-inserting a node timer each time would cost
 * more than the rare wasted wake-up.
 */
export class ConnectionClock {
  readonly #options: Timeouts;
  readonly #onTimeout: (clock: Clock) => void;
  #clock = Clock.None;
  /** Epoch ms at which the running clock expires; 0 while none is armed (or it is disabled). */
  #deadline = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Epoch ms at which `#timer` fires. */
  #wakeAt = 0;

  constructor(options: Timeouts, onTimeout: (clock: Clock) => void) {
    this.#options = options;
    this.#onTimeout = onTimeout;
    this.fire = this.fire.bind(this);
  }

  /** The clock that is armed. */
  get running(): Clock {
    return this.#clock;
  }

  /** Arms `clock` to fire at `at` (epoch ms), replacing whatever ran; `Clock.None` stops it. */
  set(clock: Clock, at: number): void {
    this.#clock = clock;
    const o = this.#options;
    // A zero timeout disables that clock, as in node:http.
    const disabled =
      clock === Clock.None ||
      (clock === Clock.KeepAlive
        ? o.keepAliveTimeout === 0
        : clock === Clock.Headers && o.headersTimeout === 0);
    this.#deadline = disabled ? 0 : at;
    if (disabled) return;
    // A timer due at or before the new deadline will find it and sleep on when it fires.
    if (this.#timer !== undefined) {
      if (this.#wakeAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#arm(at, Date.now());
  }

  stop(): void {
    this.set(Clock.None, 0);
  }

  /** The connection is gone: no timer may outlive it. */
  cancel(): void {
    this.#clock = Clock.None;
    this.#deadline = 0;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /**
   * Arms the clock that applies now: headers while a head is read (never past the whole-request
   * limit), request while a body is, keep-alive once idle after an answer; none while the app works.
   */
  update(
    parser: RequestParser,
    bodyPending: boolean,
    lineEmpty: boolean,
    served: number,
    since: number,
  ): void {
    const o = this.#options;
    if (parser.dead) {
      if (this.#clock !== Clock.KeepAlive) this.stop();
    } else if (parser.inHead) {
      const limit = o.requestTimeout > 0 ? Math.min(o.headersTimeout, o.requestTimeout) : o.headersTimeout;
      this.set(Clock.Headers, since + limit);
    } else if (bodyPending && o.requestTimeout > 0) {
      this.set(Clock.Request, since + o.requestTimeout);
    } else if (lineEmpty && parser.idle) {
      if (served === 0) this.set(Clock.Headers, since + o.headersTimeout);
      else if (this.#clock !== Clock.KeepAlive) this.set(Clock.KeepAlive, Date.now() + o.keepAliveTimeout);
    } else {
      this.stop();
    }
  }

  /** The timer ran out: the deadline may have moved on meanwhile. */
  fire(): void {
    this.#timer = undefined;
    const deadline = this.#deadline;
    if (deadline === 0) return;
    const now = Date.now();
    if (now < deadline) {
      this.#arm(deadline, now);
      return;
    }
    const clock = this.#clock;
    this.#clock = Clock.None;
    this.#deadline = 0;
    this.#onTimeout(clock);
  }

  #arm(at: number, now: number): void {
    this.#wakeAt = at;
    this.#timer = setTimeout(this.fire, Math.max(1, at - now));
  }
}

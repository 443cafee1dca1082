import { Injectable } from '@nestjs/common';

/** The service's only source of "now", so tests can move time (rate windows, leases) without sleeping. */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Test hook: shifts every later `now()` forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

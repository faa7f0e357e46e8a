import { timestamp } from 'drizzle-orm/pg-core';

/** A moment in time: every timestamp column keeps its zone, so no reader has to guess it. */
export const instant = <N extends string>(name: N) => timestamp(name, { withTimezone: true });

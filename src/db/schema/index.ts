export * from './audit.js';
export * from './cases.js';
export * from './controls.js';
export * from './grants.js';
export * from './idempotency.js';
export * from './outbox.js';
export * from './users.js';
export * from './sessions.js';

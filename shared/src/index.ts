export * from './errors.js';
export * from './ids.js';
export * from './events.js';
export * from './jobs.js';
export * from './auth/schemas.js';
export * from './members/schemas.js';
export * from './forums/schemas.js';
export * from './i18n/index.js';

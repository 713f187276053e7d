export * from './library.js';
export * from './directory.js';
export * from './stories.js';
export * from './coalitions.js';
export * from './events.js';

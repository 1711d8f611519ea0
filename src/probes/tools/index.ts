/** Parsers and formatters for getent, busybox nslookup and dig output. */
export * from './types.js';
export * from './getent.js';
export * from './nslookup.js';
export * from './dig.js';

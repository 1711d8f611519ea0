/** Pure stub-resolver algorithms of glibc and musl: resolv.conf parsing, candidate names, the query state machine. */
export * from './resolv-conf.js';
export * from './candidate-names.js';
export * from './stub-machine.js';
export * from './hosts-file.js';

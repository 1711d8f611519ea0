/** The Corefile evaluator: explain() and the runnable CorefileServer share one route + chain pipeline. */
export { explain } from './explain.js';
export type { EvalQuery, EvalWorld, Explanation, ViewConsidered, CacheVerdict } from './types.js';
export { CorefileServer, type ServerIo, type DnsMessage, type ClientInfo } from './server.js';

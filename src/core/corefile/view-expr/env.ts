/** The request environment a view expression sees (coredns plugin/pkg/expression DefaultEnv). */

/** Values behind the expr functions; `port()`/`server_port()` are strings, as in CoreDNS. */
export interface ViewEnv {
  client_ip: string;
  name: string;
  type: string;
  class: string;
  proto: string;
  size: number;
  port: string;
  id: number;
  opcode: number;
  do: boolean;
  bufsize: number;
  server_ip: string;
  server_port: string;
  metadata: Record<string, string>;
}

/** Names the compiler accepts as function calls. */
export const envFunctions: ReadonlySet<string> = new Set([
  'incidr', 'metadata', 'type', 'name', 'class', 'proto', 'size', 'client_ip', 'port', 'id', 'opcode', 'do',
  'bufsize', 'server_ip', 'server_port',
]);

// Preloaded in the container (NODE_OPTIONS=--import): a server asked to listen on 127.0.0.1
// listens on every interface of the container instead, so HAProxy on the cell network reaches it.
// The container's port is published on the host's 127.0.0.1 only; nothing else can reach it.
// Drop this once the app takes its listen address from the environment.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && args[1] === '127.0.0.1') args[1] = '0.0.0.0';
  return listen.apply(this, args);
};

/**
 * Connection hygiene: a cap on open connections, and the timeouts that close idle or half-sent ones.
 * Without them every connection a client opens and abandons stays open for good.
 */
import type {Server} from 'node:net';
import type {Socket} from 'node:net';

/** Default of `connectionTimeoutMs`: a connection must send a complete request within this. */
export const defaultConnectionTimeoutMs = 30_000;
/** Default of `maxConnections`: far above what the console, the tests or a load test hold open. */
export const defaultMaxConnections = 1000;

/** HTTP server options for the timeouts, for http.createServer and https.createServer alike. */
export function timeoutOptions(timeoutMs: number): {headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number; handshakeTimeout: number} {
	return {
		// Headers and body: Node answers 408 and closes when either is late, counted from the first
		// byte of the request (or the connection's start, for one that sends nothing at all). A request
		// fully received is no longer timed, so the `timeout` and `latency` faults still hold the answer.
		headersTimeout: timeoutMs,
		requestTimeout: timeoutMs,
		// Node checks those deadlines on this interval (default 30 s, which would double the timeout).
		connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(timeoutMs / 4))),
		// HTTPS only: a TLS handshake that never finishes.
		handshakeTimeout: timeoutMs,
	};
}

export interface ConnectionGuard {
	/** True for a connection opened past the cap: its requests get 503 and Connection: close. */
	refused(socket: Socket): boolean;
}

/** Counts the server's TCP connections (before TLS, so a stalled handshake counts too). */
export function guardConnections(server: Server, maxConnections: number, refusedGraceMs: number): ConnectionGuard {
	let admitted = 0;
	// Keyed by peer address and port, which a TLS socket reports as its TCP socket does.
	const refusedPeers = new Set<string>();
	const key = (socket: Socket): string => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
	server.on('connection', (socket: Socket) => {
		if (admitted < maxConnections) {
			admitted++;
			socket.once('close', () => admitted--);
			return;
		}
		// Refused connections are not counted, so they are kept short: time to send one request and
		// read the 503, then closed whatever they did.
		const peer = key(socket);
		refusedPeers.add(peer);
		const deadline = setTimeout(() => socket.destroy(), refusedGraceMs);
		deadline.unref();
		socket.once('close', () => {
			clearTimeout(deadline);
			refusedPeers.delete(peer);
		});
	});
	return {refused: socket => refusedPeers.size > 0 && refusedPeers.has(key(socket))};
}

/**
 * The v1 Client Interface API emulator, in process: `startEmulator(options)` binds a server and
 * returns a handle for tests, the console's demo mode and the CLI.
 */
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import type {ServerResponse} from 'node:http';
import {defaultConnectionTimeoutMs, defaultMaxConnections, guardConnections, timeoutOptions} from './connections.js';
import {EmulatorCore} from './core.js';
import {createHandler} from './server.js';
import {generateCertificate} from './tls.js';
import type {EmulatorAccountSpec, EmulatorHandle, EmulatorOptions} from './types.js';

export * from './types.js';

/** The demo account, printed at start and documented in the README. */
export const demoAccount = {email: 'demo@example.com', key: 'e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9', token: 'flarewatch-demo-token-Q7b2Kx9Lm4Np8Rs6Tv', zones: ['example.com', 'example.net']};
/** A second account, so that a zone can exist without being the demo account's. */
export const otherAccount: EmulatorAccountSpec = {email: 'other@example.org', key: '5f4e3d2c1b0a99887766554433221100ffeedd', token: 'flarewatch-other-token-Hc5Jd8Ke2Mf6Ng9Ph', zones: ['example.org']};

export const defaultOptions: EmulatorOptions = {
	host: '127.0.0.1',
	port: 8787,
	email: demoAccount.email,
	key: demoAccount.key,
	token: demoAccount.token,
	zones: demoAccount.zones,
	scenario: 'calm',
	seed: 1,
	speed: 1,
	rateLimit: 300,
	v4RateLimit: 1200,
	graphqlRateLimit: 300,
	tls: false,
	sunset: false,
	accounts: [],
	now: Date.now,
	quiet: false,
	connectionTimeoutMs: defaultConnectionTimeoutMs,
	maxConnections: defaultMaxConnections,
};

function withDefaultWorld(options: EmulatorOptions): EmulatorOptions {
	const taken = new Set([...options.zones, ...options.accounts.flatMap(account => account.zones)].map(zone => zone.toLowerCase()));
	const emails = new Set([options.email, ...options.accounts.map(account => account.email)].map(email => email.toLowerCase()));
	if (emails.has(otherAccount.email)) return options;
	const zones = otherAccount.zones.filter(zone => !taken.has(zone));
	return {...options, accounts: [...options.accounts, {...otherAccount, zones}]};
}

export async function startEmulator(given: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
	const options = withDefaultWorld({...defaultOptions, ...given, accounts: given.accounts ?? []});
	if (options.zones.length === 0) throw new Error('the demo account needs at least one zone');
	if (!(options.speed > 0)) throw new Error('speed must be positive');
	if (!Number.isInteger(options.v4RateLimit) || options.v4RateLimit < 1) throw new Error('v4RateLimit must be a positive whole number');
	if (!Number.isInteger(options.graphqlRateLimit) || options.graphqlRateLimit < 1) throw new Error('graphqlRateLimit must be a positive whole number');
	if (!(options.connectionTimeoutMs > 0) || !Number.isFinite(options.connectionTimeoutMs)) throw new Error('connectionTimeoutMs must be a positive number');
	if (!Number.isInteger(options.maxConnections) || options.maxConnections < 1) throw new Error('maxConnections must be a positive whole number');
	const core = new EmulatorCore(options);
	const pending = new Set<ServerResponse>();
	const timeouts = timeoutOptions(options.connectionTimeoutMs);
	const tls = options.tls ? await generateCertificate(options.host) : undefined;
	const server = tls ? https.createServer({key: tls.key, cert: tls.cert, ...timeouts}) : http.createServer(timeouts);
	server.keepAliveTimeout = options.connectionTimeoutMs;
	const guard = guardConnections(server, options.maxConnections, Math.min(options.connectionTimeoutMs, 5000));
	server.on('request', createHandler(core, pending, guard));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	// Once listening, a server error is an accept() failure (EMFILE under a connection flood): Node
	// retries accepting on its own, and an unhandled 'error' would end the process.
	server.on('error', () => undefined);
	const address = server.address() as AddressInfo;
	const urlHost = address.family === 'IPv6' || options.host.includes(':') ? `[${options.host}]` : options.host;
	let closed: Promise<void> | undefined;
	return {
		url: `${tls ? 'https' : 'http'}://${urlHost}:${address.port}`,
		host: options.host,
		port: address.port,
		email: options.email,
		key: options.key,
		token: options.token,
		fingerprint256: tls?.fingerprint256,
		close() {
			closed ??= new Promise<void>(resolve => {
				for (const res of pending) res.destroy();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
		advanceClock(seconds) {
			if (!(seconds >= 0)) throw new Error('advanceClock takes a non-negative number of seconds');
			core.clock.advance(seconds);
		},
		setFault(fault) {
			core.faults.set(fault);
		},
		setScenario(name) {
			core.setScenario(name);
		},
		state() {
			return core.state();
		},
	};
}

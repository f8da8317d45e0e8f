/**
 * The emulator under load, shared by the short test (load.test.ts) and `npm run bench` (bench/load.ts):
 * the emulator in a child process, N concurrent keep-alive clients spread over several accounts, one
 * light account that must never be limited, and a hostile client sending oversized and malformed
 * requests throughout. The simulated clock jumps past the hourly window every `windowResetMs`, so each
 * account's budget is spent and restored several times in one run.
 *
 * Exactness comes from `calls_left` (asked on every call): the server reports, in each counted answer,
 * what is left after that call. In a window, the answers count down limit-1 ... 0 and then only E_MAXAPI
 * (reporting 0 left) follows; over P windows, value v appears once per window that got that far. So a
 * call let through beyond the limit, or refused before it, breaks a countable pattern, and the server's
 * own per-account count must equal what the clients saw. No timing guesswork involved.
 */
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import {listeningUrl} from '../listening.js';

export interface LoadOptions {
	/** Concurrent clients in all (one is the light account's, one the hostile client). */
	clients: number;
	durationMs: number;
	/** Accounts shared by the heavy clients. */
	heavyAccounts: number;
	/** Calls per window per account (the emulator's --rate-limit). */
	rateLimit: number;
	/** How often the simulated clock jumps past the window (a fresh budget for every account). */
	windowResetMs: number;
	/** Milliseconds between the light account's calls. */
	lightPaceMs: number;
}

export interface AccountFigures {
	email: string;
	heavy: boolean;
	answered: number;
	counted: number;
	maxapi: number;
	/** The server's calls.total for the account at the end. */
	serverTotal: number;
	/** Windows in which the account spent its whole budget. */
	exhaustedWindows: number;
}

export interface LoadReport {
	requests: number;
	durationMs: number;
	reqPerSec: number;
	p99Ms: number;
	meanMs: number;
	/** Windows per account (clock jumps + 1). */
	windows: number;
	rssBeforeKiB: number;
	rssPeakKiB: number;
	rssAfterKiB: number;
	accounts: AccountFigures[];
	/** Hostile requests by kind: how many were sent and how many got the expected error answer. */
	hostile: Record<string, {sent: number; answered: number}>;
	/**
	 * Oversized bodies whose connection was reset before the 413 could be read: the emulator destroys
	 * the socket with the rest of the body unread, and under load the RST can overtake its answer.
	 */
	oversizedResets: number;
	/** Every broken expectation, one line each; empty when the run met the contract. */
	problems: string[];
}

interface Account {
	email: string;
	key: string;
	zone: string;
	heavy: boolean;
	answered: number;
	counted: number;
	maxapi: number;
	callsLeftSeen: Map<number, number>;
}

interface Answer {
	status: number;
	text: string;
}

const childScript = 'test/reliability/load-server.ts';

function post(agent: http.Agent | false, base: URL, path: string, body: Buffer | string, headers: Record<string, string | number>, timeoutMs = 10_000): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.request({host: base.hostname, port: base.port, path, method: 'POST', agent, headers}, res => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}));
			res.on('error', reject);
		});
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(body);
	});
}

/** An oversized body, streamed: the server may answer 413 and close before it is all written. */
function postOversized(base: URL, chunked: boolean): Promise<Answer> {
	return new Promise((resolve, reject) => {
		let answered = false;
		const size = 1024 * 1024 + 64 * 1024;
		const headers: Record<string, string | number> = {'content-type': 'application/x-www-form-urlencoded', ...(chunked ? {} : {'content-length': size})};
		const req = http.request({host: base.hostname, port: base.port, path: '/api_json.html', method: 'POST', agent: false, headers}, res => {
			answered = true;
			res.resume();
			res.on('end', () => resolve({status: res.statusCode ?? 0, text: ''}));
		});
		req.setTimeout(10_000, () => req.destroy(new Error('no answer to an oversized body')));
		// Writing into a socket the server has closed after its 413 is expected; only no answer is a failure.
		req.on('error', error => {
			if (!answered) reject(error);
		});
		const piece = Buffer.alloc(64 * 1024, 'a');
		let written = 0;
		const pump = () => {
			while (written < size) {
				written += piece.length;
				if (!req.write(piece)) return void req.once('drain', pump);
			}
			req.end();
		};
		pump();
	});
}

function rssKiB(pid: number): number {
	try {
		const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : 0;
	} catch {
		return 0;
	}
}

function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function startChild(env: Record<string, string>): Promise<{url: URL; pid: number; exited: () => number | null | undefined; stop: () => Promise<number | null>}> {
	const child = spawn(process.execPath, ['--import', 'tsx', childScript], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...env, NODE_ENV: 'production'}});
	let exitCode: number | null | undefined;
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve((exitCode = code))));
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()).slice(-4000));
	const url = await listeningUrl(child, 'the load emulator').catch((error: Error) => {
		throw new Error(`${error.message}; stderr: ${stderr.slice(0, 500)}`);
	});
	return {
		url: new URL(url),
		pid: child.pid!,
		exited: () => exitCode,
		stop: async () => {
			if (exitCode === undefined) child.kill('SIGTERM');
			return exited;
		},
	};
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
	const accounts: Account[] = [];
	for (let i = 0; i <= options.heavyAccounts; i++) {
		const heavy = i < options.heavyAccounts;
		accounts.push({email: `load${i}@example.com`, key: `loadkey${i}0123456789abcdef${i}`, zone: `load${i}.example.com`, heavy, answered: 0, counted: 0, maxapi: 0, callsLeftSeen: new Map()});
	}
	const child = await startChild({LOAD_EMULATOR: JSON.stringify({rateLimit: options.rateLimit, accounts: accounts.map(({email, key, zone}) => ({email, key, zones: [zone]}))})});
	const base = child.url;
	const agent = new http.Agent({keepAlive: true, maxSockets: options.clients + 4});
	const problems: string[] = [];
	const problem = (text: string) => {
		if (problems.length < 50) problems.push(text);
	};
	const latencies: number[] = [];
	const hostile: LoadReport['hostile'] = {};
	let badKeysSent = 0;
	let oversizedResets = 0;
	let stopping = false;
	let windows = 1;

	try {
		const rssBeforeKiB = rssKiB(child.pid);
		let rssPeakKiB = rssBeforeKiB;
		const heavy = accounts.filter(account => account.heavy);
		const light = accounts.find(account => !account.heavy)!;
		const mix = (account: Account): Record<string, string> => {
			const choices: Array<Record<string, string>> = [{a: 'zone_check', zones: account.zone}, {a: 'stats', z: account.zone, interval: '40'}, {a: 'ip_lkup', ip: '203.0.113.7'}, {a: 'sec_lvl', z: account.zone, v: 'med'}, {a: 'cache_lvl', z: account.zone, v: 'agg'}, {a: 'no_such_action'}];
			return choices[Math.floor(Math.random() * choices.length)]!;
		};

		const call = async (account: Account): Promise<void> => {
			const body = new URLSearchParams({...mix(account), email: account.email, tkn: account.key, calls_left: '1'}).toString();
			const started = performance.now();
			let answer: Answer;
			try {
				answer = await post(agent, base, '/api_json.html', body, {'content-type': 'application/x-www-form-urlencoded'});
			} catch (error) {
				if (!stopping) problem(`${account.email}: no answer (${error instanceof Error ? error.message : String(error)})`);
				return;
			}
			latencies.push(performance.now() - started);
			account.answered++;
			let envelope: {result?: unknown; err_code?: unknown; calls_left?: unknown};
			try {
				envelope = JSON.parse(answer.text) as typeof envelope;
			} catch {
				return problem(`${account.email}: HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 80)}`);
			}
			const left = envelope.calls_left;
			if (typeof left !== 'number') return problem(`${account.email}: no calls_left in ${answer.text.slice(0, 120)}`);
			if (envelope.err_code === 'E_MAXAPI') {
				account.maxapi++;
				if (left !== 0) problem(`${account.email}: E_MAXAPI with ${left} calls left`);
				return;
			}
			account.counted++;
			if (!Number.isInteger(left) || left < 0 || left >= options.rateLimit) problem(`${account.email}: calls_left ${left} outside 0..${options.rateLimit - 1}`);
			account.callsLeftSeen.set(left, (account.callsLeftSeen.get(left) ?? 0) + 1);
		};

		const hostileKinds: Array<[string, () => Promise<boolean>]> = [
			['oversized, declared length', async () => (await postOversized(base, false)).status === 413],
			['oversized, chunked', async () => (await postOversized(base, true)).status === 413],
			['invalid UTF-8', async () => isInvalidInput(await post(agent, base, '/api_json.html', Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0x26, 0x7a, 0x3d, 0xc3]), {'content-type': 'application/x-www-form-urlencoded'}))],
			['malformed multipart', async () => isInvalidInput(await post(agent, base, '/api_json.html', '--x\r\nContent-Disposition: form-data\r\n\r\nno end', {'content-type': 'multipart/form-data; boundary=x'}))],
			['malformed query', async () => isInvalidInput(await post(agent, base, '/api_json.html?a=%zz&z=%', '', {'content-type': 'application/x-www-form-urlencoded'}))],
			['unknown path', async () => (await post(agent, base, '/api_v4.html', 'a=stats', {'content-type': 'application/x-www-form-urlencoded'})).status === 404],
			[
				'wrong key',
				async () => {
					badKeysSent++;
					const target = heavy[badKeysSent % heavy.length]!;
					const answer = await post(agent, base, '/api_json.html', new URLSearchParams({a: 'zone_check', zones: target.zone, email: target.email, tkn: 'not-the-key', calls_left: '1'}).toString(), {'content-type': 'application/x-www-form-urlencoded'});
					return answer.status === 200 && JSON.parse(answer.text).err_code === 'E_UNAUTH';
				},
			],
		];

		const started = performance.now();
		const deadline = started + options.durationMs;
		const loops: Array<Promise<void>> = [];
		const heavyClients = Math.max(1, options.clients - 2);
		for (let i = 0; i < heavyClients; i++) {
			// Uneven shares (1, 2, 3, ... parts): the accounts run out of budget at different moments.
			const weights = heavy.map((_, index) => index + 1);
			let ticket = i % weights.reduce((sum, weight) => sum + weight, 0);
			const account = heavy[weights.findIndex(weight => (ticket -= weight) < 0)]!;
			loops.push(
				(async () => {
					while (performance.now() < deadline) await call(account);
				})(),
			);
		}
		loops.push(
			(async () => {
				while (performance.now() < deadline) {
					await call(light);
					await new Promise(resolve => setTimeout(resolve, options.lightPaceMs));
				}
			})(),
		);
		loops.push(
			(async () => {
				for (let i = 0; performance.now() < deadline; i++) {
					const [kind, send] = hostileKinds[i % hostileKinds.length]!;
					const entry = (hostile[kind] ??= {sent: 0, answered: 0});
					entry.sent++;
					try {
						if (await send()) entry.answered++;
						else problem(`hostile request "${kind}" got an unexpected answer`);
					} catch (error) {
						const code = (error as {code?: unknown}).code;
						if (kind.startsWith('oversized') && (code === 'ECONNRESET' || code === 'EPIPE')) oversizedResets++;
						else problem(`hostile request "${kind}": ${error instanceof Error ? error.message : String(error)}`);
					}
				}
			})(),
		);
		// The window jumps and the RSS samples, on their own loop.
		loops.push(
			(async () => {
				let nextReset = started + options.windowResetMs;
				while (performance.now() < deadline) {
					await new Promise(resolve => setTimeout(resolve, Math.min(250, Math.max(0, deadline - performance.now()))));
					rssPeakKiB = Math.max(rssPeakKiB, rssKiB(child.pid));
					if (child.exited() !== undefined) return problem(`the emulator exited during the load with ${String(child.exited())}`);
					if (performance.now() >= nextReset && performance.now() < deadline - options.windowResetMs / 2) {
						nextReset += options.windowResetMs;
						const answer = await post(agent, base, '/__emulator/clock', JSON.stringify({advanceSeconds: 3700}), {'content-type': 'application/json'});
						if (answer.status !== 200) problem(`clock advance answered HTTP ${answer.status}`);
						else windows++;
					}
				}
			})(),
		);
		await Promise.all(loops);
		const durationMs = performance.now() - started;
		stopping = true;

		const state = JSON.parse((await get(base, '/__emulator/state')).text) as {accounts: Array<{email: string; calls: {total: number}; callsLeft: number}>; unauthorizedCalls: number};
		const rssAfterKiB = rssKiB(child.pid);
		const exhaustedWindows = new Map<string, number>();
		for (const account of accounts) {
			const server = state.accounts.find(entry => entry.email === account.email);
			if (!server) {
				problem(`${account.email}: missing from the emulator's state`);
				continue;
			}
			// Every authenticated request is counted once, whatever its answer: none lost, none doubled.
			if (server.calls.total !== account.answered) problem(`${account.email}: the emulator counted ${server.calls.total} calls, the clients got ${account.answered} answers`);
			if (account.heavy) {
				// Per window, the counted answers report limit-1, limit-2, ... down to 0 if the window was
				// spent. Summed over the windows, the count of each value can only grow towards limit-1, and
				// limit-1 appears once per window. A call let through beyond the limit shows as one 0 too
				// many; a call refused early, as an E_MAXAPI reporting calls left.
				const times = (left: number) => account.callsLeftSeen.get(left) ?? 0;
				if (times(options.rateLimit - 1) !== windows) problem(`${account.email}: calls_left ${options.rateLimit - 1} seen ${times(options.rateLimit - 1)} times over ${windows} windows`);
				for (let left = 0; left < options.rateLimit - 1; left++) {
					if (times(left) > times(left + 1)) {
						problem(`${account.email}: calls_left ${left} seen ${times(left)} times but ${left + 1} only ${times(left + 1)}: more calls passed than the limit`);
						break;
					}
				}
				exhaustedWindows.set(account.email, times(0));
				if (account.maxapi > 0 && times(0) === 0) problem(`${account.email}: E_MAXAPI although no window was spent`);
				if (account.counted > windows * options.rateLimit) problem(`${account.email}: ${account.counted} calls passed over ${windows} windows of ${options.rateLimit}`);
			} else if (account.maxapi > 0) {
				problem(`${account.email}: limited (${account.maxapi} E_MAXAPI) after only ${account.counted} calls`);
			}
		}
		// The load must really reach the limit, or the checks above prove little.
		const busiest = Math.max(0, ...exhaustedWindows.values());
		if (busiest !== windows) problem(`no account spent its budget in every window (best: ${busiest} of ${windows}); the load was too light`);
		if (state.unauthorizedCalls !== badKeysSent) problem(`the emulator recorded ${state.unauthorizedCalls} failed logins, ${badKeysSent} were sent`);
		const exitCode = await child.stop();
		if (exitCode !== 0) problem(`the emulator exited with ${String(exitCode)} when stopped`);
		const sorted = latencies.slice().sort((a, b) => a - b);
		return {
			requests: latencies.length,
			durationMs,
			reqPerSec: (latencies.length / durationMs) * 1000,
			p99Ms: percentile(sorted, 99),
			meanMs: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
			windows,
			rssBeforeKiB,
			rssPeakKiB: Math.max(rssPeakKiB, rssAfterKiB),
			rssAfterKiB,
			accounts: accounts.map(account => ({
				email: account.email,
				heavy: account.heavy,
				answered: account.answered,
				counted: account.counted,
				maxapi: account.maxapi,
				serverTotal: state.accounts.find(entry => entry.email === account.email)?.calls.total ?? -1,
				exhaustedWindows: exhaustedWindows.get(account.email) ?? 0,
			})),
			hostile,
			oversizedResets,
			problems,
		};
	} finally {
		stopping = true;
		agent.destroy();
		await child.stop();
	}
}

function isInvalidInput(answer: Answer): boolean {
	if (answer.status !== 200) return false;
	try {
		const envelope = JSON.parse(answer.text) as {result?: unknown; err_code?: unknown};
		return envelope.result === 'error' && envelope.err_code === 'E_INVLDINPUT';
	} catch {
		return false;
	}
}

function get(base: URL, path: string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		http
			.get({host: base.hostname, port: base.port, path, agent: false}, res => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}));
			})
			.on('error', reject);
	});
}

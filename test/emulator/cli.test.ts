import {spawn, type ChildProcess} from 'node:child_process';
import https from 'node:https';
import type {TLSSocket} from 'node:tls';
import {afterEach, describe, expect, it} from 'vitest';
import {emulatorMain} from '../../source/emulator/cli.js';
import type {EmulatorHandle} from '../../source/emulator/index.js';
import {start} from './helpers.js';

let child: ChildProcess | undefined;
let emulator: EmulatorHandle | undefined;
afterEach(async () => {
	// The whole process group: npx, tsx and the emulator under them.
	if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
	child = undefined;
	await emulator?.close();
	emulator = undefined;
});

function capture(): {io: {stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream}; out: () => string; err: () => string} {
	let out = '';
	let err = '';
	const stream = (append: (text: string) => void) => ({write: (chunk: string) => (append(chunk), true)}) as unknown as NodeJS.WriteStream;
	return {io: {stdout: stream(text => (out += text)), stderr: stream(text => (err += text))}, out: () => out, err: () => err};
}

describe('flarewatch emulator (CLI)', () => {
	it('prints "listening on" with the real port first, serves, and stops cleanly on SIGTERM', async () => {
		child = spawn('npx', ['tsx', 'source/cli.tsx', 'emulator', '--port', '0', '--scenario', 'attack', '--seed', '4'], {stdio: ['ignore', 'pipe', 'pipe'], detached: true});
		let output = '';
		const firstLine = await new Promise<string>((resolve, reject) => {
			child?.stdout?.on('data', (chunk: Buffer) => {
				output += chunk.toString();
				if (output.includes('\n')) resolve(output.split('\n')[0]);
			});
			child?.on('exit', code => reject(new Error(`exited ${code}`)));
		});
		const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(firstLine);
		expect(match).not.toBeNull();
		expect(Number(match?.[2])).toBeGreaterThan(0);
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(output).toMatch(/demo@example\.com/);
		expect(output).toMatch(/example\.com \(zid \d+, pro\), example\.net \(zid \d+, free\)/);
		expect(output).toMatch(/scenario: attack {2}seed: 4/);
		const reply = await fetch(`${match?.[1]}/api_json.html?a=zone_check&zones=example.com&u=demo@example.com&tkn=e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9`);
		expect(await reply.text()).toMatch(/"example.com\\n":\d+/);
		const closed = new Promise<void>(resolve => child?.on('close', () => resolve()));
		if (child?.pid) process.kill(-child.pid, 'SIGTERM');
		await closed;
		// The emulator itself (under npx and tsx) caught the signal, closed and said so.
		expect(output).toMatch(/flarewatch emulator: stopped\n$/);
	}, 30_000);

	it.each([
		[['--port', 'abc'], /--port must be a port/],
		[['--port', '70000'], /--port/],
		[['--scenario', 'panic'], /--scenario must be one of calm\|attack\|flood\|hostile/],
		[['--speed', '0'], /--speed/],
		[['--seed', '-1'], /--seed/],
		[['--rate-limit', '1.5'], /--rate-limit/],
		[['--zones', 'example.com,not a zone'], /--zones/],
		[['--email', 'nobody'], /--email/],
		[['--bogus'], /There is no option "--bogus"; see flarewatch emulator --help/],
		[['--hots', 'x'], /no option "--hots" \(did you mean --host\?\)/],
		[['--port', '1', '--port', '2'], /--port is given twice/],
		[['extra'], /unexpected argument "extra"/],
		[['--port'], /--port needs a value/],
		[['--tls=yes'], /--tls takes no value/],
	])('refuses %j with one line and exit 2', async (argv, message) => {
		const {io, err, out} = capture();
		expect(await emulatorMain(argv, io)).toBe(2);
		expect(err()).toMatch(message);
		expect(err().trim().split('\n')).toHaveLength(1);
		expect(out()).toBe('');
	});

	it('prints help', async () => {
		const {io, out} = capture();
		expect(await emulatorMain(['--help'], io)).toBe(0);
		for (const flag of ['--host', '--port', '--email', '--key', '--zones', '--scenario', '--seed', '--speed', '--rate-limit', '--tls', '--sunset']) expect(out()).toContain(flag);
		// Made from the flag table: each flag with its meaning and default.
		expect(out()).toMatch(/--port N +port; 0 picks a free one \(default 8787\)/);
		expect(out()).toMatch(/--scenario NAME +calm \| attack \| flood \| hostile \(default calm\)/);
		const short = capture();
		expect(await emulatorMain(['-h'], short.io)).toBe(0);
		expect(short.out()).toBe(out());
	});

	it('warns when binding a non-loopback address', async () => {
		const {io, out, err} = capture();
		const running = emulatorMain(['--host', '0.0.0.0', '--port', '0'], io);
		for (let i = 0; i < 50 && !out().includes('listening'); i++) await new Promise(resolve => setTimeout(resolve, 20));
		expect(out()).toMatch(/^flarewatch emulator listening on http:\/\/0\.0\.0\.0:\d+/);
		expect(err()).toMatch(/warning: listening on 0\.0\.0\.0, not a loopback address/);
		process.emit('SIGINT');
		expect(await running).toBe(0);
	});
});

describe('--tls', () => {
	it('serves HTTPS with a self-signed certificate whose SHA-256 fingerprint it reports', async () => {
		emulator = await start({tls: true});
		expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		expect(emulator.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
		const {fingerprint, body} = await new Promise<{fingerprint: string; body: string}>((resolve, reject) => {
			const request = https.get(`${emulator?.url}/api_json.html?a=zone_check&zones=example.com&u=demo@example.com&tkn=e0f4b5a1c3d2e1f09a8b7c6d5e4f3a2b1c0d9`, {rejectUnauthorized: false, agent: false}, response => {
				const peer = (response.socket as TLSSocket).getPeerCertificate();
				let text = '';
				response.on('data', (chunk: Buffer) => (text += chunk.toString()));
				response.on('end', () => resolve({fingerprint: peer.fingerprint256, body: text}));
			});
			request.on('error', reject);
		});
		expect(fingerprint).toBe(emulator.fingerprint256);
		expect(body).toMatch(/"result":"success"/);
	});

	it('prints the fingerprint from the CLI', async () => {
		const {io, out} = capture();
		const running = emulatorMain(['--tls', '--port', '0'], io);
		for (let i = 0; i < 100 && !out().includes('fingerprint'); i++) await new Promise(resolve => setTimeout(resolve, 20));
		expect(out()).toMatch(/^flarewatch emulator listening on https:\/\/127\.0\.0\.1:\d+/);
		expect(out()).toMatch(/sha256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
		process.emit('SIGTERM');
		expect(await running).toBe(0);
	});
});

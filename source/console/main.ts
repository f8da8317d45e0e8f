/**
 * `flarewatch [flags]`: the console. Parses its flags and the configuration, refuses a
 * non-terminal stdout, connects (account or demo), and runs until the operator quits.
 */
import path from 'node:path';
import {auditLogPath, FileAuditLog, type AuditIdentity} from '../actions/audit-log.js';
import {createGuard, type NeverBanGuard} from '../actions/guard.js';
import {accountKey, adoptLegacyState, FileRegistry, MemoryRegistry, registryPath} from '../actions/registry.js';
import type {ProcessIo} from '../lib/process-io.js';
import {hasSomeCredential, loadConfig, type Config} from '../config.js';
import {isFlarewatchError} from '../errors.js';
import {RealClock} from '../lib/clock.js';
import {createMonitor} from '../monitor/monitor.js';
import {auditTrailAttribution} from '../monitor/drift-trail.js';
import {budgetPolicy} from '../monitor/budget.js';
import {consoleHelp, defaultFps, isMonochrome, parseConsoleArgs, type ConsoleArgs} from './args.js';
import {connectAccount, connectDemo, type Connection} from './connect.js';
import {createReportExporter} from './incident-report.js';
import {runConsole} from './run.js';

export const notTerminalHint = 'flarewatch: the console needs a terminal; in scripts and pipes use the one-shot commands (flarewatch help).\n';

/** What the launcher (cli.tsx) gives the console: the whole help, which names the commands the console may not import, and the version. */
export interface ConsoleExtras {
	help?: () => Promise<string>;
	version?: string;
}

export async function consoleMain(argv: string[], io: ProcessIo, extras: ConsoleExtras = {}): Promise<number> {
	let args: ConsoleArgs;
	let config: Config;
	let guard: NeverBanGuard;
	try {
		args = parseConsoleArgs(argv);
		if (args.help) {
			const text = extras.help ? await extras.help() : consoleHelp().join('\n');
			io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
			return 0;
		}
		if (args.version) {
			io.stdout.write(`flarewatch ${extras.version ?? 'unknown'}\n`);
			return 0;
		}
		config = loadConfig({flags: args.config, env: io.env}).config;
		guard = createGuard(config.neverBan, io.env);
	} catch (error) {
		if (isFlarewatchError(error) || (error instanceof Error && error.message.startsWith('--never-ban'))) {
			io.stderr.write(`flarewatch: ${error.message}\n`);
			return 2;
		}
		throw error;
	}
	// Both ends must be a terminal: keys are read in raw mode, which a pipe on stdin cannot do.
	if (!io.stdout.isTTY || !io.stdin.isTTY) {
		io.stderr.write(notTerminalHint);
		return 2;
	}

	let connection: Connection;
	try {
		// A key or token configured means an account: one that lacks a part (--api v1 with a token alone) is
		// refused, saying what is missing, rather than quietly becoming the demo.
		connection = args.demo || !hasSomeCredential(config) ? await connectDemo(config, args.scenario) : connectAccount(config, io.env);
	} catch (error) {
		if (!isFlarewatchError(error)) throw error;
		io.stderr.write(`flarewatch: ${error.message}\n`);
		return 2;
	}
	// --budget/--reserve against the API's own limits, known only now: a reserve that leaves nothing for polling is refused.
	const policy = {...(args.budget === undefined ? {} : {calls: args.budget}), ...(args.reserve === undefined ? {} : {reserve: args.reserve})};
	try {
		budgetPolicy(connection.backend.capabilities.limits, policy);
	} catch (error) {
		if (!isFlarewatchError(error)) throw error;
		io.stderr.write(`flarewatch: ${error.message}\n`);
		await connection.close();
		return 2;
	}
	// A demo rehearsal writes its own log: the real one holds only what reached a real account.
	const auditFile = auditLogPath(io.env, connection.demo);
	const startedAt = new Date();
	// Each record names where it went and for whom (the key never): the endpoint as the client shows it.
	const identity: AuditIdentity = {
		endpoint: (connection.backend as Partial<{endpointLabel: string}>).endpointLabel ?? config.endpoint,
		account: connection.demo ? await demoEmail() : (config.email ?? ''),
	};
	// The audit log is made before the monitor that shows its failures: reach the monitor through a box.
	const monitorRef: {current?: {say(level: 'warn', text: string): void}} = {};
	const audit = new FileAuditLog(
		auditFile,
		connection.secrets.map(secret => secret.reveal()),
		message => monitorRef.current?.say('warn', message),
		identity,
	);
	// The demo's emulator starts afresh each run: remembering its lockdowns would offer to undo ones that never happened there.
	const registry = connection.demo
		? new MemoryRegistry()
		: new FileRegistry(registryPath(auditLogPath(io.env)), accountKey(config.endpoint, config.email ?? ''), message => monitorRef.current?.say('warn', message));
	if (registry instanceof FileRegistry) adoptLegacyState(path.join(path.dirname(auditLogPath(io.env)), 'state.json'), registry);
	const session = `${process.pid}@${startedAt.toISOString()}`;
	const monitor = createMonitor({
		backend: connection.backend,
		clock: new RealClock(),
		zoneNames: connection.zoneNames,
		policy,
		demo: connection.demo,
		api: connection.api,
		readOnly: config.readOnly,
		visitorQuery: {hours: 1, geo: args.geo},
		audit,
		guard,
		registry,
		session,
		banPolicy: config.bans,
		// Drift alerts need the DNS records watched (every 5 minutes per zone, within the polls' budget),
		// and name another console on this machine where its audit records say it made the change.
		watchRecords: true,
		attributeDrift: auditTrailAttribution(auditFile, identity),
	});
	monitorRef.current = monitor;
	const reports = createReportExporter({monitor, auditFile, session, identity, secrets: connection.secrets.map(secret => secret.reveal()), api: connection.backend.capabilities.api, demo: connection.demo});
	for (const warning of config.configWarnings) monitor.say('warn', warning);
	try {
		return await runConsole({monitor, stdout: io.stdout, stdin: io.stdin, stderr: io.stderr, signals: process, env: io.env, secrets: connection.secrets, fps: defaultFps(args, io.env), monochrome: isMonochrome(args, io.env), exportReport: () => void reports.exportReport()});
	} finally {
		reports.stop();
		await connection.close();
	}
}

/** The demo account's email; the emulator module is already loaded by connectDemo, so this costs nothing. */
async function demoEmail(): Promise<string> {
	const {demoAccount} = await import('../emulator/index.js');
	return demoAccount.email;
}

/**
 * The action queue against the real thing: the v1 client over loopback HTTP to the emulator, with the
 * emulator's faults standing in for a flaky network.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {MemoryAuditLog} from '../../source/actions/audit-log.js';
import {ActionQueue} from '../../source/actions/queue.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulator/index.js';
import {RealClock} from '../../source/lib/clock.js';
import {Secret} from '../../source/lib/secret.js';
import {V1Backend} from '../../source/v1/backend.js';

let emulator: EmulatorHandle;
let backend: V1Backend;
let audit: MemoryAuditLog;
const zone = {name: 'example.com', id: ''};

beforeEach(async () => {
	emulator = await startEmulator({port: 0, quiet: true, seed: 3, scenario: 'attack'});
	backend = new V1Backend({endpoint: emulator.url, email: emulator.email, key: new Secret(emulator.key), timeoutMs: 2000});
	audit = new MemoryAuditLog();
	[zone.id] = (await backend.checkZones(['example.com'])).map(ref => ref.id);
});

afterEach(async () => {
	backend.close();
	await emulator.close();
});

function queue(readOnly = false): ActionQueue {
	return new ActionQueue({backend, clock: new RealClock(), audit, session: 'test', readOnly, retryDelayMs: 20});
}

const apiCalls = () => emulator.state().accounts.find(account => account.email === emulator.email)!.calls.total;
const zoneState = () => emulator.state().zones.find(candidate => candidate.name === 'example.com')!;

describe('action queue', () => {
	it('moves an action pending → sent → done, changes the zone, and audits before and after', async () => {
		const actions = queue();
		const states: string[] = [];
		actions.subscribe(entries => states.push(entries.at(-1)!.state));
		actions.submit({kind: 'security-level', zone, level: 'help'});
		await actions.idle();
		expect(states).toEqual(['pending', 'sent', 'done']);
		expect(zoneState().securityLevel).toBe('help');
		expect(audit.records.map(record => [record.action, record.outcome, record.zone])).toEqual([
			['security-level', 'sending', 'example.com'],
			['security-level', 'done', 'example.com'],
		]);
		expect(audit.records[0].params).toEqual({zone: 'example.com', level: 'help'});
		expect(JSON.stringify(audit.records)).not.toContain(emulator.key);
	});

	it('sends a ban once more after a dropped connection, and it lands', async () => {
		emulator.setFault({mode: 'reset', count: 1});
		const actions = queue();
		actions.submit({kind: 'ban', ip: '203.0.113.7'});
		await actions.idle();
		const [entry] = actions.entries;
		expect(entry.state).toBe('done');
		expect(entry.attempts).toBe(2);
		expect(zoneState().accessRules).toContainEqual(expect.objectContaining({ip: '203.0.113.7', mode: 'ban'}));
		expect(audit.records.map(record => `${record.outcome}#${record.attempt}`)).toEqual(['sending#1', 'sending#2', 'done#2']);
	});

	it('never resends a record creation after a network failure, and says why', async () => {
		emulator.setFault({mode: 'reset', count: 1});
		const actions = queue();
		const before = zoneState().records.length;
		actions.submit({kind: 'dns-add', zone, record: {type: 'A', name: 'status', content: '192.0.2.44', proxied: false}});
		await actions.idle();
		const [entry] = actions.entries;
		expect(entry.state).toBe('failed');
		expect(entry.attempts).toBe(1);
		expect(entry.message).toMatch(/not retried automatically/);
		expect(zoneState().records.length).toBe(before);
		// R in the Log view: the operator decides, and then it lands.
		const retried = actions.retry(entry.id)!;
		await actions.idle();
		expect(actions.entries.find(candidate => candidate.id === retried.id)!.state).toBe('done');
		expect(zoneState().records.some(record => record.name === 'status.example.com' && record.content === '192.0.2.44')).toBe(true);
	});

	it('shows the API’s own message when the API refuses, and does not retry', async () => {
		const actions = queue();
		actions.submit({kind: 'purge', zone});
		actions.submit({kind: 'purge', zone});
		await actions.idle();
		const [first, second] = actions.entries;
		expect(first.state).toBe('done');
		expect(second.state).toBe('failed');
		expect(second.attempts).toBe(1);
		expect(second.message).toMatch(/cooldown|wait|again/i);
		expect(audit.records.at(-1)).toMatchObject({outcome: 'failed', action: 'purge'});
	});

	it('in read-only mode refuses every mutating action and sends nothing', async () => {
		const before = apiCalls();
		const actions = queue(true);
		actions.submit({kind: 'ban', ip: '203.0.113.7'});
		actions.submit({kind: 'security-level', zone, level: 'help'});
		await actions.idle();
		expect(actions.entries.map(entry => [entry.state, entry.failureKind])).toEqual([
			['failed', 'read-only'],
			['failed', 'read-only'],
		]);
		expect(apiCalls()).toBe(before);
		expect(audit.records.map(record => record.outcome)).toEqual(['refused', 'refused']);
		expect(actions.retry(actions.entries[0].id)).toBeUndefined();
	});

	it('records an action in flight at exit as outcome unknown, and queued ones as not sent', async () => {
		emulator.setFault({mode: 'timeout'});
		const actions = queue();
		actions.submit({kind: 'security-level', zone, level: 'high'});
		actions.submit({kind: 'ban', ip: '203.0.113.9'});
		while (actions.entries[0].state !== 'sent') await new Promise(resolve => setTimeout(resolve, 5));
		actions.abandon('SIGHUP');
		expect(actions.entries.map(entry => entry.state)).toEqual(['unknown', 'failed']);
		expect(audit.records.map(record => [record.action, record.outcome])).toEqual([
			['security-level', 'sending'],
			['security-level', 'unknown'],
			['ban', 'cancelled'],
		]);
		emulator.setFault({mode: 'none'});
	});
});

/**
 * The emulator's state and clock in one place, shared by the API, the plain-text endpoints and the
 * admin interface. Holds no sockets: the server module owns those.
 */
import {Faults} from './faults.js';
import {hostileRecord} from './hostile.js';
import {SimClock} from './sim-clock.js';
import {TrafficModel} from './traffic.js';
import type {EmulatorOptions, EmulatorState, ScenarioName} from './types.js';
import {accountState, World, zoneState, type Account} from './world.js';

export class EmulatorCore {
	readonly clock: SimClock;
	readonly world: World;
	readonly traffic: TrafficModel;
	readonly faults: Faults;
	scenario: ScenarioName;
	unauthorizedCalls = 0;
	faultedCalls = 0;

	constructor(readonly options: EmulatorOptions) {
		this.clock = new SimClock(options.now, options.speed);
		const startSec = this.clock.nowSec();
		const demo = {email: options.email, key: options.key, token: options.token, zones: options.zones};
		this.world = new World([demo, ...options.accounts], options.rateLimit, startSec, options.v4RateLimit, options.graphqlRateLimit);
		this.scenario = options.scenario;
		this.traffic = new TrafficModel(options.scenario, options.seed, startSec);
		this.faults = new Faults(options.seed);
		if (options.scenario === 'hostile') this.addHostileRecords();
	}

	get hostile(): boolean {
		return this.scenario === 'hostile';
	}

	setScenario(name: ScenarioName): void {
		this.scenario = name;
		this.traffic.setScenario(name, this.clock.nowSec());
		for (const zone of this.world.zones) zone.version++;
		if (name === 'hostile') this.addHostileRecords();
	}

	private addHostileRecords(): void {
		for (const zone of this.world.zones) {
			const {name, content} = hostileRecord(zone.name);
			if (zone.records.some(record => record.name === name)) continue;
			zone.records.push({recId: this.world.newRecordId(), name, type: 'TXT', content, ttl: 1, proxied: false, prio: null, createdAt: this.clock.nowSec()});
		}
	}

	/** The account these credentials open, or undefined. */
	authenticate(email: string, key: string | undefined): Account | undefined {
		const account = this.world.account(email);
		return account && key !== undefined && key === account.key ? account : undefined;
	}

	/** Counts a request that reached an account. */
	count(account: Account, action: string): void {
		account.calls.total++;
		account.calls.byAction[action] = (account.calls.byAction[action] ?? 0) + 1;
	}

	state(): EmulatorState {
		const nowSec = this.clock.nowSec();
		return {
			now: nowSec,
			scenario: this.scenario,
			seed: this.options.seed,
			speed: this.options.speed,
			sunset: this.options.sunset,
			fault: this.faults.get(),
			unauthorizedCalls: this.unauthorizedCalls,
			faultedCalls: this.faultedCalls,
			accounts: this.world.accounts.map(account => accountState(account, nowSec)),
			zones: this.world.zones.map(zone => zoneState(zone, nowSec)),
		};
	}
}

/**
 * FakeBackend with API v4's capabilities, for the console's tests: rules of any owner (listed, added,
 * deleted by id), IP details and file purges, each call recorded with its arguments, so a test reads
 * what reached "the API". The monitor lists the rules itself (at start, after rule actions).
 */
import type {AccessRule, Capabilities, IpDetails, IpRuleOptions, NewAccessRule, RuleList, ZoneRef} from '../../source/backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {v4Capabilities} from '../../source/v4/backend.js';
import {FakeBackend, type FakeBackendOptions} from '../monitor/fake-backend.js';

/** One call as sent, with its arguments. */
export interface SentCall {
	action: string;
	args: unknown[];
}

export class FakeV4Backend extends FakeBackend {
	override capabilities: Capabilities = v4Capabilities;
	rules: AccessRule[] = [];
	readonly sent: SentCall[] = [];
	accountUnavailable: string | undefined;
	details: IpDetails | undefined;
	/** Listings fail with this while set (the rules are then never listed). */
	listFault: FlarewatchError | undefined;
	#nextId = 1;
	readonly #now: () => number;

	constructor(options: FakeBackendOptions) {
		super(options);
		this.#now = () => options.clock.now();
	}

	#record(action: string, args: unknown[], zone?: string): void {
		this.calls.push({action, at: this.#now(), zone});
		this.sent.push({action, args});
	}

	/** A rule made by anyone (notes decide whose it is). */
	addExisting(rule: Partial<AccessRule> & Pick<AccessRule, 'value' | 'notes'>): AccessRule {
		const made: AccessRule = {id: `r${this.#nextId++}`, mode: 'block', target: 'ip', scope: 'zone', createdAt: this.#now() - 3_600_000, ...rule};
		this.rules.push(made);
		return made;
	}

	override async ban(ip = '', options: IpRuleOptions = {}): Promise<void> {
		this.#record('ban', [ip, options], options.zone?.name);
		this.#put({mode: 'block', target: 'ip', value: ip, notes: options.notes ?? ''});
	}

	override async whitelist(ip = '', options: IpRuleOptions = {}): Promise<void> {
		this.#record('whitelist', [ip, options], options.zone?.name);
		this.#put({mode: 'whitelist', target: 'ip', value: ip, notes: options.notes ?? ''});
	}

	override async clearRule(ip = '', options: IpRuleOptions = {}): Promise<void> {
		this.#record('clearRule', [ip, options], options.zone?.name);
		this.rules = this.rules.filter(rule => rule.value !== ip);
	}

	override async listRules(zone: ZoneRef): Promise<RuleList> {
		this.#record('listRules', [zone], zone.name);
		if (this.listFault) throw this.listFault;
		return {rules: this.rules.map(rule => ({...rule})), ...(this.accountUnavailable ? {accountUnavailable: this.accountUnavailable} : {})};
	}

	override async addRule(zone: ZoneRef, rule: NewAccessRule): Promise<AccessRule> {
		this.#record('addRule', [zone, rule], zone.name);
		return this.#put(rule);
	}

	async deleteRule(zone: ZoneRef, rule: Pick<AccessRule, 'id' | 'scope'>): Promise<void> {
		this.#record('deleteRule', [zone, rule], zone.name);
		const before = this.rules.length;
		this.rules = this.rules.filter(candidate => !(candidate.id === rule.id && candidate.scope === rule.scope));
		if (this.rules.length === before) throw new FlarewatchError('api', 'Rule not found.');
	}

	async ipDetails(zone: ZoneRef, ip: string): Promise<IpDetails> {
		this.#record('ipDetails', [zone, ip], zone.name);
		return this.details ?? {ip, country: 'NL', asn: 'AS64500', asnName: 'Example Transit', events: [{at: this.#now() - 60_000, action: 'block', source: 'ip', path: '/login'}]};
	}

	async purgeFiles(zone: ZoneRef, urls: readonly string[]): Promise<void> {
		this.#record('purgeFiles', [zone, [...urls]], zone.name);
	}

	#put(rule: NewAccessRule): AccessRule {
		// One rule per target and value in a zone: the API changes the one there.
		const existing = this.rules.find(candidate => candidate.scope === 'zone' && candidate.target === rule.target && candidate.value === rule.value);
		if (existing) {
			Object.assign(existing, {mode: rule.mode, notes: rule.notes});
			return {...existing};
		}
		const made: AccessRule = {id: `r${this.#nextId++}`, mode: rule.mode, target: rule.target, value: rule.value, notes: rule.notes, scope: 'zone', createdAt: this.#now()};
		this.rules.push(made);
		return {...made};
	}
}


/**
 * The FakeBackend with API v4's rules: listed whoever made them, with notes, one per target and value
 * in the zone (adding one where the target has one changes it, as V4Backend does), removed by id. Its
 * security level is what was last set, so an undo's level can be checked.
 */
import type {AccessRule, IpRuleOptions, NewAccessRule, RuleList, SecurityLevel, StatsInterval, ZoneRef, ZoneStats} from '../../source/backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {v4Capabilities} from '../../source/v4/backend.js';
import {FakeBackend, type FakeBackendOptions} from './fake-backend.js';

export class FakeRulesBackend extends FakeBackend {
	override capabilities = v4Capabilities;
	rules: AccessRule[] = [];
	level: SecurityLevel = 'med';
	#nextId = 1;
	readonly #now: () => number;

	constructor(options: FakeBackendOptions) {
		super(options);
		this.#now = () => options.clock.now();
	}

	/** Counts the call as FakeBackend does, and fails it while a fault is set. */
	#call(action: string, zone?: ZoneRef): void {
		this.calls.push({action, at: this.#now(), zone: zone?.name});
		if (this.fault && this.fault.count > 0) {
			this.fault.count--;
			throw new FlarewatchError(this.fault.kind, `injected ${this.fault.kind}`);
		}
	}

	/** A rule someone made (another tool, the dashboard, another flarewatch). */
	seed(rule: Omit<AccessRule, 'id' | 'scope' | 'createdAt'> & {scope?: AccessRule['scope']}): AccessRule {
		const made: AccessRule = {scope: 'zone', createdAt: this.#now(), ...rule, id: `seed${this.#nextId++}`};
		this.rules.push(made);
		return made;
	}

	override async stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		const stats = await super.stats(zone, interval);
		return {...stats, securityLevel: this.level, securityLabel: this.level};
	}

	override async setSecurityLevel(zone?: ZoneRef, level?: SecurityLevel): Promise<void> {
		await super.setSecurityLevel();
		if (level) this.level = level;
	}

	override async listRules(zone: ZoneRef): Promise<RuleList> {
		this.#call('rules', zone);
		return {rules: this.rules.map(rule => ({...rule}))};
	}

	override async addRule(zone: ZoneRef, rule: NewAccessRule): Promise<AccessRule> {
		this.#call('rule_add', zone);
		const existing = this.rules.find(candidate => candidate.target === rule.target && candidate.value === rule.value);
		if (existing) {
			Object.assign(existing, {mode: rule.mode, notes: rule.notes});
			return {...existing};
		}
		const made: AccessRule = {id: `r${this.#nextId++}`, mode: rule.mode, target: rule.target, value: rule.value, notes: rule.notes, scope: 'zone', createdAt: this.#now()};
		this.rules.push(made);
		return {...made};
	}

	async deleteRule(zone: ZoneRef, rule: Pick<AccessRule, 'id' | 'scope'>): Promise<void> {
		this.#call('rule_del', zone);
		const before = this.rules.length;
		this.rules = this.rules.filter(candidate => candidate.id !== rule.id);
		if (this.rules.length === before) throw new FlarewatchError('api', `No rule ${rule.id}`, {status: 404});
	}

	override async ban(ip?: string, options: IpRuleOptions = {}): Promise<void> {
		if (!ip || !options.zone) throw new FlarewatchError('api', 'A ban needs a zone on v4');
		await this.addRule(options.zone, {mode: 'block', target: 'ip', value: ip, notes: options.notes ?? 'flarewatch: ban'});
	}
}

/**
 * The console tests' FakeV4Backend (rules of any owner, one per target and value in the zone, removed
 * by id) with what the lockdown tests need besides: rules seeded as someone else's, a security level
 * that is what was last set (so an undo's level can be checked), and bans refused without a zone, as
 * V4Backend refuses them.
 */
import type {AccessRule, IpRuleOptions, SecurityLevel, StatsInterval, ZoneRef, ZoneStats} from '../../source/backend.js';
import {FlarewatchError} from '../../source/errors.js';
import {FakeV4Backend} from '../ui/fake-v4.js';

export class FakeRulesBackend extends FakeV4Backend {
	level: SecurityLevel = 'med';
	#seeded = 1;

	/** A rule someone made (another tool, the dashboard, another flarewatch), made now. */
	seed(rule: Omit<AccessRule, 'id' | 'scope' | 'createdAt'> & {scope?: AccessRule['scope']}): AccessRule {
		return this.addExisting({scope: 'zone', createdAt: this.clockNow(), ...rule, id: `seed${this.#seeded++}`});
	}

	override async stats(zone: ZoneRef, interval: StatsInterval): Promise<ZoneStats> {
		const stats = await super.stats(zone, interval);
		return {...stats, securityLevel: this.level, securityLabel: this.level};
	}

	override async setSecurityLevel(zone?: ZoneRef, level?: SecurityLevel): Promise<void> {
		await super.setSecurityLevel();
		if (level) this.level = level;
	}

	override async ban(ip?: string, options: IpRuleOptions = {}): Promise<void> {
		if (!ip || !options.zone) throw new FlarewatchError('api', 'A ban needs a zone on v4');
		await super.ban(ip, {...options, notes: options.notes ?? 'flarewatch: ban'});
	}
}

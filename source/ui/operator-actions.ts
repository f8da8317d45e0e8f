/**
 * The App's action logic: an action key, a palette command or a dialog answer in, the next UI state
 * out, with requests handed to the monitor's actions. Kept out of app.tsx so the view stays a view.
 * Read-only mode is enforced here first (nothing is even offered) and by the queue as a backstop.
 */
import {featureAvailable, featureMissing, requestUnsupported, type Feature} from '../actions/capability.js';
import {parsePalette, type PaletteCommand} from '../actions/palette.js';
import {formatRuleNote, parseRuleNote} from '../actions/rule-notes.js';
import {isMutating, type ActionEntry, type ActionRequest} from '../actions/types.js';
import type {AccessRule, Capabilities, DnsRecord, Visitor, ZoneRef} from '../backend.js';
import {formatAge} from '../lib/format.js';
import type {MonitorHandle} from '../monitor/monitor.js';
import type {MonitorState, ZoneState} from '../monitor/store.js';
import {clockTime, driftText, type DriftEntry} from '../monitor/drift.js';
import {confirmFor, finishLockdownDialog, foreignRulesDialog, lockdownDialog, noteActions, removeRulesDialog, retryDialog, unlockDialog, withReason} from './action-dialogs.js';
import {levelDialog, moveInDialog, type ConfirmStep, type Dialog, type DialogCommand} from './dialog-state.js';
import {describeOffer} from '../actions/bans.js';
import {formatDuration, isDurationError, parseDuration} from '../lib/duration.js';
import {rulesListed, rulesOnIp, rulesStaleness} from './rule-marks.js';
import {addForm, editForm, formProblems, formRequest, updateIpForm, type RecordForm} from './forms/record-form.js';
import type {ActionKey} from './keymap.js';
import type {UiState} from './ui-state.js';
import {isActiveZone, securityLevels} from '../backend.js';

/** What the action logic reads: the monitor, its state, and what is highlighted. */
export interface ActionContext {
	monitor: MonitorHandle;
	state: MonitorState;
	row?: Visitor;
	record?: DnsRecord;
	entry?: ActionEntry;
	/** The highlighted rule of the Rules view. */
	rule?: AccessRule;
	/** The zone on screen's latest change made elsewhere that still holds (the dashboard's first drift line). */
	drift?: DriftEntry;
	quit: () => void;
	/** Writes the incident report (E, :export); the console wires it, a bare test App has none. */
	exportReport?: () => void;
}

const mutatingKeys: ReadonlySet<ActionKey> = new Set<ActionKey>(['drift-revert', 'security-picker', 'attack-toggle', 'dev-toggle', 'cache-toggle', 'purge', 'ipv6-toggle', 'snapshot', 'ban', 'whitelist', 'challenge', 'clear-rule', 'rule-remove', 'lockdown', 'dns-add', 'dns-edit', 'dns-proxied', 'dns-delete', 'dns-update-ip']);

/** Keys whose action only some APIs have. */
const keyFeatures: Partial<Record<ActionKey, Feature>> = {snapshot: 'snapshot', 'dns-update-ip': 'hosts-update', challenge: 'challenge', 'rule-remove': 'rule-listing'};

/** What the API behind the console can do (undefined: a bare monitor in a test, taken as v1). */
function capabilitiesOf(context: ActionContext): Capabilities | undefined {
	return context.monitor.actions.capabilities as Capabilities | undefined;
}

/** Why the API lacks what `action` does (one line naming the call and what to use instead), or undefined. */
export function keyUnavailable(action: ActionKey, capabilities: Capabilities | undefined): string | undefined {
	if (action === 'lookup') {
		// i is the threat score on v1 and the address's details on v4: missing only where neither exists.
		return featureAvailable('lookup', capabilities) || featureAvailable('details', capabilities) ? undefined : capabilities && featureMissing('lookup', capabilities);
	}
	const feature = keyFeatures[action];
	if (!feature || featureAvailable(feature, capabilities)) return undefined;
	return capabilities ? featureMissing(feature, capabilities) : `This key needs API v4 (${feature}).`;
}

function activeZone(state: MonitorState): ZoneRef | undefined {
	const zone = state.zones[state.activeZone];
	return state.startup.phase === 'ready' && zone && isActiveZone(zone) ? {name: zone.name, id: zone.id} : undefined;
}

function refuseReadOnly(context: ActionContext, what: string): void {
	context.monitor.say('warn', `Read-only mode (--read-only): ${what} is not sent. Nothing was changed.`);
}

function open(ui: UiState, dialog: Dialog): UiState {
	return {...ui, dialog, palette: undefined};
}

/** The confirmation after a form's Enter: the request with the old values it replaces. */
function formConfirmation(request: ActionRequest, form: RecordForm, records: readonly DnsRecord[] | undefined): Dialog {
	const dialog = confirmFor(request, {records});
	if (dialog.kind !== 'confirm') return dialog;
	const old = request.kind === 'dns-edit' ? records?.find(record => record.id === request.record.id) : undefined;
	const before =
		old && request.kind === 'dns-edit'
			? [`Was     ${old.type} ${old.name} → ${old.content} · TTL ${old.ttl === 1 ? 'auto' : old.ttl} · proxied ${old.proxied ? 'yes' : 'no'}`, `Becomes ${request.record.type} ${request.record.name} → ${request.record.content} · TTL ${request.record.ttl === 1 ? 'auto' : request.record.ttl} · proxied ${request.record.proxied ? 'yes' : 'no'}`]
			: [];
	const hosts =
		request.kind === 'dns-update-ip'
			? request.hosts.map(host => {
					const current = records?.find(record => record.type === 'A' && record.name.toLowerCase() === host.toLowerCase());
					return `  ${host}: ${current ? current.content : 'unknown'} → ${request.ip}`;
				})
			: [];
	return {...dialog, lines: [...dialog.lines, ...before, ...hosts], step: {type: 'form', request, form}};
}

/**
 * The request as this API takes it: `i`'s lookup becomes the address's details where there is no
 * threat score (v4), and a rule on an IP names its zone where rules live in zones.
 */
function adaptRequest(request: ActionRequest, state: MonitorState, capabilities: Capabilities | undefined): ActionRequest {
	const zone = activeZone(state);
	if (request.kind === 'lookup' && zone && capabilities && !capabilities.ipLookup && capabilities.ipDetails) return {kind: 'details', zone, ip: request.ip};
	if ((request.kind === 'ban' || request.kind === 'whitelist' || request.kind === 'clear-rule') && capabilities?.ruleScope === 'zone' && !request.zone && zone) return {...request, zone};
	return request;
}

/** A request from a key or the palette: lookups go at once, anything else through its confirmation. */
export function requestAction(ui: UiState, asked: ActionRequest, context: ActionContext, reason?: string): UiState {
	const {monitor, state} = context;
	const capabilities = capabilitiesOf(context);
	const request = adaptRequest(asked, state, capabilities);
	const unsupported = capabilities ? requestUnsupported(request, capabilities) : undefined;
	if (unsupported) {
		monitor.say('warn', unsupported);
		return {...ui, palette: undefined};
	}
	if (state.readOnly && isMutating(request.kind)) {
		refuseReadOnly(context, request.kind);
		return {...ui, palette: undefined};
	}
	if (request.kind === 'lookup') {
		monitor.actions.submit(request);
		return {...ui, palette: undefined};
	}
	if (request.kind === 'details') {
		// The details show in a dialog as they arrive; from memory (no call) when fetched lately.
		return monitor.actions.submit(request) ? open(ui, {kind: 'details', zone: request.zone, ip: request.ip}) : {...ui, palette: undefined};
	}
	// Where rules are listed, a clear removes the address's listed rules by id, owner checked first.
	if (request.kind === 'clear-rule' && capabilities?.ruleListing) {
		const zone = activeZone(state);
		const zoneState = state.zones[state.activeZone];
		if (!zone || !zoneState) {
			monitor.say('warn', 'The zone is not ready yet');
			return {...ui, palette: undefined};
		}
		return removeRules({...ui, palette: undefined}, zone, zoneState, request.ip, context);
	}
	// The service's rules (cooldowns, budget) refuse before a confirmation is even shown.
	const verdict = monitor.actions.check(request);
	if (!verdict.ok) {
		monitor.say('warn', verdict.message);
		return {...ui, palette: undefined};
	}
	const zone = state.zones[state.activeZone];
	const api = {ruleScope: capabilities?.ruleScope, purgeCooldown: capabilities?.purgeCooldown};
	if ('ip' in request && request.kind !== 'dns-update-ip') {
		const visitor = zone?.threatRows.find(row => row.ip === request.ip);
		const listed = capabilities?.ruleListing && rulesListed(zone?.rules) ? rulesOnIp(zone?.rules?.list, request.ip) : undefined;
		const ip = {visitor, score: zone?.scores.get(request.ip), rule: state.rules.get(request.ip), listed, scores: capabilities ? capabilities.ipLookup : true};
		const dialog = confirmFor(request, {ip, api});
		// Rules with notes: the note carries a reason, asked for before the confirmation's y.
		const action = noteActions[request.kind];
		const withNote = capabilities?.ruleNotes && action ? withReason(dialog, action, reason) : dialog;
		return open(ui, request.kind === 'ban' ? banDuration(withNote, request, context) : withNote);
	}
	return open(ui, confirmFor(request, {currentLevel: zone?.stats?.securityLevel, records: zone?.records, api}));
}

/**
 * A ban's confirmation says how long it lasts: the configured default, or the ladder's next step for an
 * address banned again soon after its last ban ended (a line says so), or what `:ban IP 30m` gave; `t`
 * changes it before `y`.
 */
function banDuration(dialog: Dialog, request: Extract<ActionRequest, {kind: 'ban'}>, context: ActionContext): Dialog {
	const bans = context.monitor.actions.bans;
	if (dialog.kind !== 'confirm' || !bans || dialog.step.type !== 'submit') return dialog;
	const now = context.monitor.clock.now();
	const offer = request.duration === undefined ? bans.offer(request.ip) : undefined;
	const seconds = request.duration ?? offer?.duration ?? 0;
	const escalated = offer ? describeOffer(offer, now) : undefined;
	const requests = dialog.step.requests.map(candidate => timedBan(candidate, seconds, now, offer?.step));
	return {
		...dialog,
		step: {...dialog.step, requests},
		lines: [...dialog.lines, ...(escalated ? [escalated] : []), durationLine(seconds, now)],
		duration: {seconds, ...(offer ? {offer: {duration: offer.duration, ...(offer.step === undefined ? {} : {step: offer.step})}} : {})},
	};
}

const durationPrefix = 'For     ';
const notePrefix = 'Note    ';

function durationLine(seconds: number, now: number): string {
	const what = seconds === 0 ? 'permanent (no expiry)' : `${formatDuration(seconds)}, until ${new Date(now + seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
	return `${durationPrefix}${what} · t: another duration`;
}

/**
 * The ban with its duration, its end from `now`, and the ladder step when escalated (0: permanent, no
 * end); its note, when it has one of ours already, names the new end.
 */
function timedBan(request: ActionRequest, seconds: number, now: number, step: number | undefined): ActionRequest {
	if (request.kind !== 'ban') return request;
	const {expiresAt: _expiresAt, step: _step, ...rest} = request;
	const until = seconds > 0 ? now + seconds * 1000 : undefined;
	const note = request.notes === undefined ? undefined : parseRuleNote(request.notes);
	const notes = note ? formatRuleNote({...note, until}) : request.notes;
	return {...rest, duration: seconds, ...(until === undefined ? {} : {expiresAt: new Date(until).toISOString()}), ...(step === undefined ? {} : {step}), ...(notes === undefined ? {} : {notes})};
}

/** `t` in a ban's confirmation: the duration typed, prefilled with the one shown. */
function editDuration(ui: UiState, dialog: Extract<Dialog, {kind: 'confirm'}>): UiState {
	if (!dialog.duration || dialog.input?.editing) return ui;
	return {...ui, dialog: {...dialog, input: {purpose: 'duration', label: 'Duration:', text: formatDuration(dialog.duration.seconds), editing: true, ...(dialog.duration.offer ? {offer: dialog.duration.offer} : {})}}};
}

/**
 * `x` where rules are listed: the listed rules of the address (or the Rules view's rule), removed by id
 * after a confirmation naming each one's owner; a rule someone else made needs "yes" typed as well. A
 * zone whose rules are not listed yet removes nothing: the operator is asked to list them first.
 */
function removeRules(ui: UiState, zone: ZoneRef, zoneState: ZoneState, target: string | AccessRule, context: ActionContext): UiState {
	const {monitor} = context;
	const rules = zoneState.rules;
	const subject = typeof target === 'string' ? target : target.value;
	if (!rulesListed(rules)) {
		monitor.say('warn', `The rules of ${zone.name} are not listed yet, so which rule ${subject} has is not known: list them (r in the Rules view, Tab), then x again. Nothing was sent.`);
		return ui;
	}
	const now = monitor.clock.now();
	const matched = typeof target === 'string' ? rulesOnIp(rules.list, target) : rules.list.filter(rule => rule.id === target.id && rule.scope === target.scope);
	if (matched.length === 0) {
		monitor.say('warn', `No rule on ${subject} is listed (listed ${formatAge(Math.max(0, Math.round((now - rules.at) / 1000)))} ago): r in the Rules view lists them again. Nothing was sent.`);
		return ui;
	}
	for (const rule of matched) {
		const verdict = monitor.actions.check({kind: 'rule-delete', zone, rule});
		if (!verdict.ok) {
			monitor.say('warn', verdict.message);
			return ui;
		}
	}
	return open(ui, removeRulesDialog(zone, matched, rules.at, now, rulesStaleness(rules, now)));
}

/** An action key pressed in the normal mode. */
export function startAction(ui: UiState, action: ActionKey, context: ActionContext): UiState {
	const {monitor, state} = context;
	if (action === 'retry') {
		const entry = context.entry;
		if (!entry) monitor.say('warn', 'No action is highlighted');
		else if (entry.state !== 'failed' || entry.failureKind === 'read-only') monitor.say('warn', `#${entry.id} is ${entry.state}: only a failed action can be retried`);
		else return open(ui, retryDialog(entry));
		return ui;
	}
	// A key the API has no call for says so (and what to use instead), read-only or not.
	const unavailable = keyUnavailable(action, capabilitiesOf(context));
	if (unavailable) {
		monitor.say('warn', unavailable);
		return ui;
	}
	if (state.readOnly && mutatingKeys.has(action)) {
		refuseReadOnly(context, action);
		return ui;
	}
	// The report needs no zone ready: the audit log and what the polls saw are enough.
	if (action === 'export-report') return exportReport(ui, context);
	const zone = activeZone(state);
	const zoneState = state.zones[state.activeZone];
	if (!zone || !zoneState) {
		monitor.say('warn', 'The zone is not ready yet');
		return ui;
	}
	const stats = zoneState.stats;
	const ipAction = (kind: 'ban' | 'whitelist' | 'clear-rule' | 'lookup' | 'challenge'): UiState => {
		if (!context.row) {
			monitor.say('warn', 'No IP is highlighted');
			return ui;
		}
		const ip = context.row.ip;
		return requestAction(ui, kind === 'challenge' ? {kind, zone, ip, notes: ''} : {kind, ip}, context);
	};
	switch (action) {
		case 'drift-revert':
			return putBackDialog(ui, context);
		case 'security-picker':
			return open(ui, levelDialog(zone, stats?.securityLevel));
		case 'attack-toggle': {
			const current = stats?.securityLevel;
			const target = monitor.actions.attackTarget(zone.name, current);
			if (!target) {
				monitor.say('warn', "The level before I'm Under Attack is not known: pick one");
				return open(ui, levelDialog(zone, current));
			}
			const dialog = confirmFor({kind: 'security-level', zone, level: target}, {currentLevel: current});
			if (dialog.kind !== 'confirm' || dialog.step.type !== 'submit') return ui;
			const title = target === 'help' ? "I'm Under Attack on?" : `Back to ${target} (the level before I'm Under Attack)?`;
			return open(ui, {...dialog, title, step: {...dialog.step, rememberLevel: target === 'help' ? {zone: zone.name, level: current} : undefined}});
		}
		case 'dev-toggle': {
			const on = !(stats && stats.devModeUntil > Math.floor(context.monitor.clock.now() / 1000));
			return requestAction(ui, {kind: 'dev-mode', zone, on}, context);
		}
		case 'cache-toggle':
			return requestAction(ui, {kind: 'cache-level', zone, level: stats?.cacheLevel === 'agg' ? 'basic' : 'agg'}, context);
		case 'ipv6-toggle':
			return requestAction(ui, {kind: 'ipv6', zone, on: !(stats?.ipv6 ?? false)}, context);
		case 'purge':
			return requestAction(ui, {kind: 'purge', zone}, context);
		case 'snapshot':
			return requestAction(ui, {kind: 'snapshot', zone}, context);
		case 'ban':
		case 'whitelist':
		case 'challenge':
		case 'clear-rule':
		case 'lookup':
			return ipAction(action);
		case 'rule-remove':
			if (!context.rule) {
				monitor.say('warn', 'No rule is highlighted');
				return ui;
			}
			return removeRules(ui, zone, zoneState, context.rule, context);
		case 'lockdown':
			return lockdownOrUndo(ui, zone, context);
		case 'dns-add':
			return open(ui, {kind: 'form', form: addForm(zone, context.monitor.actions.capabilities)});
		case 'dns-update-ip': {
			const record = context.record;
			return open(ui, {kind: 'form', form: updateIpForm(zone, record?.type === 'A' ? [record.name] : [], record?.type === 'A' ? record.content : '')});
		}
		case 'dns-edit':
		case 'dns-proxied':
		case 'dns-delete': {
			const record = context.record;
			if (!record) {
				monitor.say('warn', 'No record is highlighted');
				return ui;
			}
			if (action === 'dns-edit') return open(ui, {kind: 'form', form: editForm(zone, record, context.monitor.actions.capabilities)});
			if (action === 'dns-proxied') return requestAction(ui, {kind: 'dns-edit', zone, record: {...record, proxied: !record.proxied}}, context);
			return requestAction(ui, {kind: 'dns-delete-name', zone, fqdn: record.name}, context);
		}
	}
}

/**
 * `D`: the confirmation that puts back what changed elsewhere, naming old and new, sent through the
 * normal action path; only for what flarewatch had set. Otherwise it says why, and nothing is sent.
 * It never acts by itself: drift is only ever shown.
 */
function putBackDialog(ui: UiState, context: ActionContext): UiState {
	const {monitor, state} = context;
	const entry = context.drift;
	const zoneName = state.zones[state.activeZone]?.name ?? '';
	if (!entry) {
		monitor.say('info', `Nothing changed elsewhere on ${zoneName} that still holds: nothing to put back`);
		return ui;
	}
	const what = driftText(entry);
	if (!entry.putBack) {
		monitor.say('warn', `D cannot put back "${what}": ${entry.cannot ?? 'flarewatch did not set it'}. Nothing was sent.`);
		return ui;
	}
	const request = entry.putBack;
	const verdict = monitor.actions.check(request);
	if (!verdict.ok) {
		monitor.say('warn', verdict.message);
		return ui;
	}
	const zone = state.zones[state.activeZone];
	const base = confirmFor(request, {currentLevel: zone?.stats?.securityLevel, records: zone?.records});
	if (base.kind !== 'confirm') return ui;
	const lines = [
		`Changed elsewhere (noticed ${clockTime(entry.at)}): ${what}`,
		`Put back what flarewatch had set: ${entry.to} → ${entry.from}`,
		'',
		...base.lines,
	];
	return open(ui, {...base, title: 'Put back what changed elsewhere?', lines, confirmLabel: 'Put back'});
}

/** `L`: a lockdown's preview, or what the zone's recorded lockdown needs next (undo, finish). */
function lockdownOrUndo(ui: UiState, zone: ZoneRef, context: ActionContext): UiState {
	const {monitor} = context;
	// APIs with rule notes list the zone's rules first; the dialog opens when they arrive (app.tsx).
	if (!monitor.actions.prepareLockdown(zone)) return ui;
	const status = monitor.actions.lockdownStatus(zone.name);
	switch (status.kind) {
		case 'running':
			monitor.say('warn', `The ${status.record.phase === 'undoing' ? 'undo of the lockdown' : 'lockdown'} of ${zone.name} is being sent; L again once it is done`);
			return ui;
		case 'elsewhere':
			monitor.say('warn', `Another flarewatch (pid ${status.record.owner.pid}) is sending a lockdown of ${zone.name}; L again once it is done`);
			return ui;
		case 'interrupted':
			if (status.record.phase === 'locking') return open(ui, finishLockdownDialog(zone, status.record, monitor.actions.unlockPlan(zone, status.record)));
			return open(ui, unlockDialog(zone, status.record, monitor.actions.unlockPlan(zone, status.record)));
		case 'locked':
			return open(ui, unlockDialog(zone, status.record, monitor.actions.unlockPlan(zone, status.record)));
		case 'none':
			break;
	}
	const plan = monitor.actions.planLockdown();
	if (!plan) {
		monitor.say('warn', 'The zone is not ready yet');
		return ui;
	}
	return open(ui, lockdownDialog(plan));
}

/** Carries out a confirmed step. */
function accept(ui: UiState, step: ConfirmStep, context: ActionContext): UiState {
	const {actions} = context.monitor;
	const closed = {...ui, dialog: undefined};
	switch (step.type) {
		case 'submit':
			if (step.rememberLevel) actions.rememberLevelBeforeAttack(step.rememberLevel.zone, step.rememberLevel.level);
			// A timed ban runs from the y that sends it, not from when its dialog opened.
			for (const request of step.requests) actions.submit(request.kind === 'ban' && request.duration ? timedBan(request, request.duration, context.monitor.clock.now(), request.step) : request);
			return closed;
		case 'lockdown':
			actions.startLockdown(step.plan);
			return closed;
		case 'unlock':
			if (!actions.unlock(step.zone)) context.monitor.say('warn', 'No lockdown to undo');
			return closed;
		case 'finish-lockdown':
			if (!actions.finishLockdown(step.zone)) context.monitor.say('warn', 'No interrupted lockdown to finish');
			return closed;
		case 'retry':
			if (!actions.retry(step.id)) context.monitor.say('warn', `#${step.id} cannot be retried`);
			return closed;
		case 'form':
			actions.submit(step.request);
			return closed;
		case 'foreign-rules':
			return open(closed, foreignRulesDialog(step));
	}
}

/**
 * Enter on a confirmation's typed line. A reason completes the notes of the rules it makes (shown, so
 * the operator sees the note before y); a typed "yes" sends, anything else sends nothing.
 */
function acceptInput(ui: UiState, dialog: Extract<Dialog, {kind: 'confirm'}>, context: ActionContext): UiState {
	const input = dialog.input;
	if (!input) return ui;
	if (input.purpose === 'typed-yes') {
		if (input.text.trim().toLowerCase() === 'yes') return accept(ui, dialog.step, context);
		context.monitor.say('warn', 'Not removed: type yes, then Enter (Esc cancels). Nothing was sent.');
		return {...ui, dialog: {...dialog, input: {...input, text: ''}}};
	}
	const now = context.monitor.clock.now();
	if (input.purpose === 'duration') {
		const seconds = parseDuration(input.text);
		if (isDurationError(seconds)) {
			context.monitor.say('warn', `Not sent: ${seconds.error}`);
			return ui;
		}
		const ladderStep = input.offer && seconds === input.offer.duration ? input.offer.step : undefined;
		const requests = dialog.step.type === 'submit' ? dialog.step.requests.map(request => timedBan(request, seconds, now, ladderStep)) : [];
		const timed = dialog.step.type === 'submit' ? {...dialog.step, requests} : dialog.step;
		const noted = requests.find(request => request.kind === 'ban' && request.notes !== undefined);
		const lines = dialog.lines.map(line => (line.startsWith(durationPrefix) ? durationLine(seconds, now) : line.startsWith(notePrefix) && noted?.kind === 'ban' ? `${notePrefix}${noted.notes}` : line));
		return {...ui, dialog: {...dialog, step: timed, input: input.then ?? {...input, editing: false}, lines, duration: {...dialog.duration, seconds}}};
	}
	const reason = input.text.trim();
	const requests = dialog.step.type === 'submit' ? dialog.step.requests : [];
	const ban = requests.find(request => request.kind === 'ban');
	const until = ban?.kind === 'ban' && ban.expiresAt !== undefined ? Date.parse(ban.expiresAt) : undefined;
	const notes = formatRuleNote({action: input.action ?? 'rule', operator: context.monitor.actions.operator, ...(until === undefined ? {} : {until}), ...(reason === '' ? {} : {reason})});
	const step = dialog.step.type === 'submit' ? {...dialog.step, requests: requests.map(request => withNotes(request, notes))} : dialog.step;
	return {...ui, dialog: {...dialog, step, input: {...input, editing: false}, lines: [...dialog.lines, `${notePrefix}${notes}`]}};
}

/** The request with the notes its rule will carry (the rules that take notes). */
function withNotes(request: ActionRequest, notes: string): ActionRequest {
	return request.kind === 'ban' || request.kind === 'whitelist' || request.kind === 'challenge' ? {...request, notes} : request;
}

/** A key in a dialog. */
export function answerDialog(ui: UiState, command: DialogCommand, context: ActionContext): UiState {
	const dialog = ui.dialog;
	if (!dialog) return ui;
	if (dialog.kind === 'details') {
		// An information panel: any answer closes it.
		return command.type === 'dialog-no' || command.type === 'dialog-yes' || command.type === 'dialog-enter' ? {...ui, dialog: undefined} : ui;
	}
	if (dialog.kind === 'confirm' && dialog.input?.editing && command.type !== 'dialog-no') {
		// Keys go into the typed line until Enter; y and n are letters there.
		if (command.type === 'dialog-enter') return acceptInput(ui, dialog, context);
		return command.type === 'form-input' ? {...ui, dialog: moveInDialog(dialog, command)} : ui;
	}
	if (command.type === 'dialog-no') {
		context.monitor.say('info', 'Cancelled: nothing was sent');
		// Cancelling a form's confirmation goes back to the form, with what was typed.
		if (dialog.kind === 'confirm' && dialog.step.type === 'form') return {...ui, dialog: {kind: 'form', form: dialog.step.form}};
		return {...ui, dialog: undefined};
	}
	if (command.type === 'dialog-alt') {
		if (command.key === 't' && dialog.kind === 'confirm') return editDuration(ui, dialog);
		return dialog.kind === 'confirm' && dialog.alternative?.key === command.key ? accept(ui, dialog.alternative.step, context) : ui;
	}
	if (command.type === 'dialog-yes' || command.type === 'dialog-enter') {
		if (dialog.kind === 'confirm') {
			if (command.type === 'dialog-enter' && dialog.focus === 'cancel') return answerDialog(ui, {type: 'dialog-no'}, context);
			return accept(ui, dialog.step, context);
		}
		if (dialog.kind === 'level') {
			const level = securityLevels[dialog.cursor];
			if (level === dialog.current) {
				context.monitor.say('info', `The security level is already ${level}: nothing was sent`);
				return {...ui, dialog: undefined};
			}
			// Picking is not sending: the same confirmation as everywhere else, old → new.
			return requestAction({...ui, dialog: undefined}, {kind: 'security-level', zone: dialog.zone, level}, context);
		}
		if (command.type === 'dialog-yes') return {...ui, dialog: moveInDialog(dialog, {type: 'form-input', input: {type: 'text', text: 'y'}})};
		const request = formRequest(dialog.form);
		if (!request) {
			const problem = Object.entries(formProblems(dialog.form)).find(([, text]) => text);
			context.monitor.say('warn', `Not sent: ${problem ? `${problem[0]} ${problem[1]}` : 'the form is not valid'}`);
			return ui;
		}
		const verdict = context.monitor.actions.check(request);
		if (!verdict.ok) {
			context.monitor.say('warn', verdict.message);
			return ui;
		}
		const zone = context.state.zones[context.state.activeZone];
		// The form's Enter leads to the same confirmation as any change, with the old and new values; n goes back to the form.
		return open(ui, formConfirmation(request, dialog.form, zone?.records));
	}
	return {...ui, dialog: moveInDialog(dialog, command)};
}

/** E and :export: written at once (a local file, nothing to confirm); the console says where. */
function exportReport(ui: UiState, context: ActionContext): UiState {
	if (context.exportReport) context.exportReport();
	else context.monitor.say('warn', 'The incident report is not available here');
	return ui;
}

/** Enter in the palette. */
export function runPalette(ui: UiState, context: ActionContext): UiState {
	const {monitor, state} = context;
	const text = ui.palette ?? '';
	const zone = activeZone(state) ?? {name: state.zones[state.activeZone]?.name ?? '', id: ''};
	const parsed = parsePalette(text, {zone, zones: state.zones.map(candidate => candidate.name), capabilities: capabilitiesOf(context)});
	const closed = {...ui, palette: undefined};
	if (!parsed.ok) {
		monitor.say('error', `:${text.replace(/^:/, '')}: ${parsed.error}`);
		return closed;
	}
	return runCommand(closed, parsed.command, context);
}

function runCommand(ui: UiState, command: PaletteCommand, context: ActionContext): UiState {
	const {monitor, state} = context;
	switch (command.type) {
		case 'action':
			if (isMutating(command.request.kind) && !activeZone(state) && 'zone' in command.request) {
				monitor.say('warn', 'The zone is not ready yet');
				return ui;
			}
			return requestAction(ui, command.request, context, command.reason);
		case 'zone':
			for (let step = 0; step < state.zones.length && monitor.getState().zones[monitor.getState().activeZone]?.name !== command.name; step++) monitor.nextZone();
			return ui;
		case 'lockdown':
			return startAction(ui, 'lockdown', context);
		case 'unlock': {
			const zone = activeZone(state);
			const status = zone ? monitor.actions.lockdownStatus(zone.name) : undefined;
			if (!zone || !status || status.kind === 'none') {
				monitor.say('warn', 'No lockdown to undo');
				return ui;
			}
			if (state.readOnly) {
				refuseReadOnly(context, 'unlock');
				return ui;
			}
			if (!monitor.actions.prepareLockdown(zone)) return ui;
			if (status.kind === 'locked' || status.kind === 'interrupted') return open(ui, unlockDialog(zone, status.record, monitor.actions.unlockPlan(zone, status.record)));
			return startAction(ui, 'lockdown', context);
		}
		case 'attack-toggle':
			return startAction(ui, 'attack-toggle', context);
		case 'refresh':
			monitor.refreshNow();
			return ui;
		case 'pause':
			monitor.togglePause();
			return ui;
		case 'help':
			return {...ui, overlay: 'palette-help'};
		case 'export':
			return exportReport(ui, context);
		case 'quit':
			context.quit();
			return ui;
	}
}

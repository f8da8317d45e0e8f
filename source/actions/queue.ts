/**
 * The action queue: every operator action moves pending → sent → done | failed, one at a time, in the
 * order asked, with an audit line before each send and after each outcome. Policy lives here, not in the
 * client: an idempotent action is sent once more after a network failure; a non-idempotent one never is,
 * and says so. Nothing is dropped: a failed action stays in the list until retried.
 */
import type {Backend} from '../backend.js';
import {isFlarewatchError} from '../errors.js';
import type {Clock} from '../lib/clock.js';
import type {AuditOutcome, AuditSink} from './audit-log.js';
import {executeAction} from './execute.js';
import {type ActionEntry, type ActionRequest, actionParameters, describeAction, isIdempotent, isMutating, requestZone} from './types.js';

export interface ActionQueueOptions {
	backend: Backend;
	clock: Clock;
	audit: AuditSink;
	/** Identifies this run in the audit log. */
	session: string;
	readOnly?: boolean;
	/** Wait before the one retry of an idempotent action (default 1 s). */
	retryDelayMs?: number;
	/** How many finished entries the Log view keeps (default 500). */
	maxEntries?: number;
	/**
	 * Asked right before each send: a reason to refuse it (the hour's calls are spent), or undefined.
	 * A refused action is not sent, and says why.
	 */
	gate?: (request: ActionRequest) => string | undefined;
	/** The least time between two sends of one batch (a lockdown's bans), so polls and keys get through. */
	paceMs?: number;
}

/** How an action is queued. */
export interface SubmitOptions {
	/** Groups the actions of one lockdown or undo. */
	batch?: string;
}

type Listener = (entries: readonly ActionEntry[]) => void;

const transportKinds = new Set(['network', 'timeout']);

export class ActionQueue {
	private list: ActionEntry[] = [];
	private readonly waiting: ActionEntry[] = [];
	private running = false;
	private nextId = 1;
	private readonly listeners = new Set<Listener>();
	private readonly idleWaiters: Array<() => void> = [];

	constructor(private readonly options: ActionQueueOptions) {}

	get entries(): readonly ActionEntry[] {
		return this.list;
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Queues an action. In read-only mode a mutating action is refused here and nothing is sent. */
	submit(request: ActionRequest, options: SubmitOptions = {}): ActionEntry {
		const now = this.options.clock.now();
		const entry: ActionEntry = {id: this.nextId++, request, state: 'pending', createdAt: now, updatedAt: now, attempts: 0, ...(options.batch ? {batch: options.batch} : {})};
		this.list = [...this.list, entry];
		this.trim();
		if (this.options.readOnly && isMutating(request.kind)) {
			this.update(entry, {state: 'failed', failureKind: 'read-only', message: 'read-only mode: nothing was sent'});
			this.audit(entry, 'refused', 'read-only mode');
			return this.find(entry.id);
		}
		this.waiting.push(entry);
		this.emit();
		void this.drain();
		return entry;
	}

	/** Sends a failed action again (the Log view's `R`). Returns the new entry, or undefined if it cannot. */
	retry(id: number): ActionEntry | undefined {
		const entry = this.list.find(candidate => candidate.id === id);
		if (!entry || entry.state !== 'failed' || entry.failureKind === 'read-only') return undefined;
		return this.submit(entry.request);
	}

	/** Resolves when nothing is pending or in flight. */
	idle(): Promise<void> {
		if (!this.running && this.waiting.length === 0) return Promise.resolve();
		return new Promise(resolve => this.idleWaiters.push(resolve));
	}

	/**
	 * On exit (a signal, a dropped link): actions sent without an answer are recorded as outcome unknown,
	 * and actions not yet sent as cancelled, so the audit log says exactly what may have happened.
	 */
	abandon(reason: string): void {
		this.waiting.length = 0;
		// One pass and one notification: on a quit during a lockdown this must take milliseconds.
		const now = this.options.clock.now();
		this.list = this.list.map(entry => {
			if (entry.state === 'sent') {
				const next: ActionEntry = {...entry, state: 'unknown', message: `outcome unknown: ${reason}`, updatedAt: now};
				this.audit(next, 'unknown', reason);
				return next;
			}
			if (entry.state === 'pending') {
				const next: ActionEntry = {...entry, state: 'failed', failureKind: 'cancelled', message: `not sent: ${reason}`, updatedAt: now};
				this.audit(next, 'cancelled', reason);
				return next;
			}
			return entry;
		});
		this.emit();
	}

	/** Marks every action still waiting as not sent (the API's hourly limit is reached: each would fail). */
	private dropWaiting(reason: string): void {
		const dropped = new Set(this.waiting.splice(0).map(entry => entry.id));
		if (dropped.size === 0) return;
		const now = this.options.clock.now();
		this.list = this.list.map(entry => {
			if (!dropped.has(entry.id) || entry.state !== 'pending') return entry;
			const next: ActionEntry = {...entry, state: 'failed', failureKind: 'not-sent', message: `not sent: ${reason}`, updatedAt: now};
			this.audit(next, 'refused', reason);
			return next;
		});
		this.emit();
	}

	private async drain(): Promise<void> {
		if (this.running) return;
		this.running = true;
		try {
			let lastBatchSend: {batch: string; at: number} | undefined;
			for (let entry = this.waiting.shift(); entry; entry = this.waiting.shift()) {
				if (this.find(entry.id).state !== 'pending') continue;
				const pace = this.options.paceMs ?? 0;
				if (entry.batch && lastBatchSend?.batch === entry.batch && pace > 0) {
					const wait = lastBatchSend.at + pace - this.options.clock.now();
					if (wait > 0) await this.sleep(wait);
					if (this.find(entry.id).state !== 'pending') continue;
				}
				const refusal = this.options.gate?.(entry.request);
				if (refusal) {
					this.update(entry, {state: 'failed', failureKind: 'budget', message: `not sent: ${refusal}`});
					this.audit(this.find(entry.id), 'refused', refusal);
					continue;
				}
				if (entry.batch) lastBatchSend = {batch: entry.batch, at: this.options.clock.now()};
				await this.run(entry);
				if (this.find(entry.id).failureKind === 'rate-limit') this.dropWaiting('the API call limit is reached (E_MAXAPI)');
			}
		} finally {
			this.running = false;
			for (const resolve of this.idleWaiters.splice(0)) resolve();
		}
	}

	private async run(entry: ActionEntry): Promise<void> {
		const retryable = isIdempotent(entry.request.kind);
		for (let attempt = 1; attempt <= 2; attempt++) {
			// The record of the send is written before the request goes out; without it nothing is sent.
			const problem = this.audit({...this.find(entry.id), state: 'sent', attempts: attempt}, 'sending');
			if (problem) {
				this.update(entry, {state: 'failed', failureKind: 'not-sent', attempts: attempt, message: `not sent: ${problem}`});
				return;
			}
			this.update(entry, {state: 'sent', attempts: attempt});
			try {
				const outcome = await executeAction(this.options.backend, entry.request);
				this.update(entry, {state: 'done', message: outcome.summary, result: outcome.result, failureKind: undefined});
				this.audit(this.find(entry.id), 'done');
				return;
			} catch (error) {
				if (this.find(entry.id).state !== 'sent') return; // abandoned meanwhile
				const kind = isFlarewatchError(error) ? error.kind : 'unexpected';
				const message = error instanceof Error ? error.message : String(error);
				const transport = transportKinds.has(kind);
				if (transport && retryable && attempt === 1) {
					this.update(entry, {message: `${message}; retrying once`});
					await this.sleep(this.options.retryDelayMs ?? 1000);
					continue;
				}
				const note = transport && !retryable ? `${message}; not retried automatically (it may have reached the API: check before retrying)` : message;
				this.update(entry, {state: 'failed', failureKind: kind, message: note});
				this.audit(this.find(entry.id), 'failed', note);
				return;
			}
		}
	}

	private sleep(ms: number): Promise<void> {
		return new Promise(resolve => this.options.clock.setTimeout(resolve, ms));
	}

	private find(id: number): ActionEntry {
		return this.list.find(entry => entry.id === id) as ActionEntry;
	}

	private update(entry: ActionEntry, changes: Partial<ActionEntry>): void {
		const now = this.options.clock.now();
		this.list = this.list.map(candidate => (candidate.id === entry.id ? {...candidate, ...changes, updatedAt: now} : candidate));
		this.emit();
	}

	private trim(): void {
		const max = this.options.maxEntries ?? 500;
		if (this.list.length <= max) return;
		// Drop the oldest finished entries; never one that is pending, in flight or failed (it may be retried).
		const removable = this.list.filter(entry => entry.state === 'done').slice(0, this.list.length - max);
		const drop = new Set(removable.map(entry => entry.id));
		this.list = this.list.filter(entry => !drop.has(entry.id));
	}

	/** Returns why the record could not be written, or undefined. */
	private audit(entry: ActionEntry, outcome: AuditOutcome, error?: string): string | undefined {
		const zone = requestZone(entry.request)?.name;
		return this.options.audit.write({
			time: new Date(this.options.clock.now()).toISOString(),
			id: entry.id,
			session: this.options.session,
			zone,
			action: entry.request.kind,
			params: actionParameters(entry.request),
			outcome,
			attempt: entry.attempts || undefined,
			error: outcome === 'done' ? undefined : (error ?? entry.message),
			result: outcome === 'done' ? entry.result : undefined,
		});
	}

	private emit(): void {
		for (const listener of this.listeners) listener(this.list);
	}
}

export {describeAction};

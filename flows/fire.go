package flows

import (
	"context"
	"strconv"
	"time"
)

// Firing reminders: when the dispatcher should next look at a client, and what happens when
// it does (the delivery policy applied, the flow started, the state saved before sending).

// wakes computes, per reminder, when the dispatcher should next look at this client: the next
// occurrence (moved out of quiet hours), or nothing.
func (t *turn) wakes() map[Reminder]time.Time {
	out := map[Reminder]time.Time{}
	st := t.st
	if st.Inactive || !st.consented(t.e.opts.ConsentVersion) || st.Schedule.Paused && st.Schedule.PausedUntil.IsZero() {
		return out
	}
	loc := t.zone()
	for _, k := range Reminders {
		if at, ok := st.Schedule.after(k, t.now, loc, t.e.policy); ok {
			if k != RemindExpire {
				at = t.e.policy.quietEnd(at, loc)
			}
			out[k] = at
		}
	}
	return out
}

// Fired is what Fire decided.
type Fired struct {
	// Out is what to send now; empty when nothing is due.
	Out []Outbound
	// Occurrence is the reminder's occurrence (zero when none was due).
	Occurrence time.Time
	// Outcome says what was decided.
	Outcome ReminderOutcome
	// Key identifies the occurrence for idempotent delivery ("sched:checkin:1732561200").
	Key string
	// Due is when the reminder was due to go out (its occurrence, moved out of quiet hours).
	Due time.Time
}

// ReminderOutcome is what Fire decided about a due wake-up. Metrics count it by its string.
type ReminderOutcome string

// The outcomes of a wake-up.
const (
	OutcomeSent      ReminderOutcome = "sent"      // a message is to go out now
	OutcomeResent    ReminderOutcome = "resent"    // sent before, perhaps never delivered: again
	OutcomeDelivered ReminderOutcome = "delivered" // sent before and delivered: nothing to send
	OutcomeLate      ReminderOutcome = "late"      // past the grace window: skipped
	OutcomePaused    ReminderOutcome = "paused"    // the client paused reminders
	OutcomeQuiet     ReminderOutcome = "quiet"     // in quiet hours: looked at again at their end
	OutcomeBusy      ReminderOutcome = "busy"      // the client is in the middle of something: later
	OutcomeSkipped   ReminderOutcome = "skipped"   // the client checked in by hand just before
	OutcomeNone      ReminderOutcome = "none"      // nothing was due
)

// Deliveries records which reminder occurrences reached the client.
type Deliveries interface {
	// Delivered reports whether the occurrence with the key was delivered.
	Delivered(ctx context.Context, user UserKey, key string) (bool, error)
}

// Fire handles a due wake-up of reminder k for a client: it finds the occurrence that is due,
// applies the delivery policy (quiet hours, grace window, pause, not interrupting a client who
// is busy) and, when a message is to go out, starts the flow and saves the state before
// returning what to send. The dispatcher marks the occurrence delivered after sending.
func (e *Engine) Fire(ctx context.Context, user UserKey, k Reminder) (Fired, error) {
	var res Fired
	_, err := e.apply(ctx, user, "", func(t *turn) {
		res = t.fire(k)
		// Only an occurrence sent before may have been delivered already (a first send has
		// nothing to look up: one round trip less per reminder).
		if res.Key != "" && res.Outcome == OutcomeResent && e.deliveries != nil {
			delivered, err := e.deliveries.Delivered(ctx, user, res.Key)
			if err != nil {
				t.err = err
				return
			}
			if delivered {
				res.Out, res.Outcome = nil, OutcomeDelivered
			}
		}
	})
	return res, err
}

func (t *turn) fire(k Reminder) Fired {
	st := t.st
	if st.Inactive || !st.consented(t.e.opts.ConsentVersion) {
		t.rearm = true
		return Fired{Outcome: OutcomeNone}
	}
	loc := t.zone()
	sc := &st.Schedule
	occ, ok := sc.latest(k, t.now, loc, t.e.policy)
	if !ok {
		t.rearm = true
		return Fired{Outcome: OutcomeNone}
	}
	key := "sched:" + string(k) + ":" + strconv.FormatInt(occ.Unix(), 10)
	if sc.Fired == nil {
		sc.Fired = map[Reminder]time.Time{}
	}
	switch k {
	case RemindNudge:
		t.rearm = true
		if st.Flow != "checkin" || st.Active.After(sc.Pending.SentAt) {
			sc.Pending = nil
			return Fired{Outcome: OutcomeNone}
		}
		if deliver := t.e.policy.quietEnd(occ, loc); t.now.Before(deliver) {
			t.rearm = false
			t.wakeAt = map[Reminder]time.Time{k: deliver}
			return Fired{Occurrence: occ, Outcome: OutcomeQuiet}
		}
		outcome := OutcomeSent
		if sc.Pending.Nudged {
			outcome = OutcomeResent // sent before; the delivery record says whether it arrived
		}
		sc.Pending.Nudged = true
		t.say(t.str("nudge"))
		t.reask()
		return Fired{Out: t.out, Occurrence: occ, Outcome: outcome, Key: key}
	case RemindExpire:
		t.rearm = true
		if st.Flow == "checkin" && !st.Active.After(sc.Pending.SentAt) {
			t.leave(false)
			t.e.log.Info("check-in expired", "user", t.user.String())
		}
		sc.Pending = nil
		return Fired{Outcome: OutcomeNone}
	}
	if fired := sc.Fired[k]; !occ.After(fired) {
		if fired.Equal(occ) && t.pendingFor(k) {
			deliver := t.e.policy.quietEnd(occ, loc)
			if t.now.Sub(deliver) > t.e.policy.Grace {
				// Never delivered, and now too late: close it quietly.
				t.leave(false)
				t.rearm = true
				return Fired{Occurrence: occ, Outcome: OutcomeLate}
			}
			if q := t.e.policy.quietEnd(t.now, loc); q.After(t.now) {
				t.wakeAt = map[Reminder]time.Time{k: q}
				return Fired{Occurrence: occ, Outcome: OutcomeQuiet}
			}
			// Started, but perhaps never delivered (a failed send, a crash): say it again.
			t.reask()
			return Fired{Out: t.out, Occurrence: occ, Outcome: OutcomeResent, Key: key}
		}
		t.rearm = true
		return Fired{Outcome: OutcomeNone}
	}
	deliver := t.e.policy.quietEnd(occ, loc)
	switch {
	case t.now.Before(deliver):
		t.wakeAt = map[Reminder]time.Time{k: deliver}
		return Fired{Occurrence: occ, Outcome: OutcomeQuiet}
	case t.now.Sub(deliver) > t.e.policy.Grace:
		sc.Fired[k] = occ
		t.rearm = true
		t.e.log.Warn("reminder skipped: too late", "user", t.user.String(), "reminder", string(k), "late", t.now.Sub(deliver).Round(time.Minute).String())
		return Fired{Occurrence: occ, Outcome: OutcomeLate}
	case sc.Paused && (sc.PausedUntil.IsZero() || t.now.Before(sc.PausedUntil)):
		sc.Fired[k] = occ
		t.rearm = true
		return Fired{Occurrence: occ, Outcome: OutcomePaused}
	case st.Flow != "" && (t.now.Sub(st.Active) < busyDelay || t.now.Sub(st.FlowAt) < busyDelay):
		// The client is in the middle of something, or another reminder has just started a
		// conversation: do not interrupt, look again later.
		t.wakeAt = map[Reminder]time.Time{k: t.now.Add(busyDelay)}
		t.e.log.Info("reminder held: the client is in a conversation", "user", t.user.String(), "reminder", string(k), "flow", st.Flow, "again_in", busyDelay.String())
		return Fired{Occurrence: occ, Outcome: OutcomeBusy}
	}
	if sc.Paused { // the pause has ended by itself
		sc.Paused, sc.PausedUntil = false, time.Time{}
	}
	sc.Fired[k] = occ
	t.rearm = true
	if k == RemindCheckin && t.skips(occ) {
		// The client checked in by hand just before; the check-in's closing words said so.
		t.e.log.Info("reminder skipped: a check-in by hand just before", "user", t.user.String(), "reminder", string(k))
		return Fired{Occurrence: occ, Outcome: OutcomeSkipped}
	}
	switch k {
	case RemindCheckin:
		sc.Sent++
		if sc.Sent%4 == 0 {
			t.say(t.str("reminder_disclaimer"))
		}
		t.start("checkin", "")
		sc.Pending = &Pending{Occurrence: occ, SentAt: t.now}
	case RemindPrepare:
		t.start("prepare_invite", "")
	case RemindReflect:
		t.start("reflect_invite", "")
	}
	t.e.log.Info("reminder sent", "user", t.user.String(), "reminder", string(k))
	return Fired{Out: t.out, Occurrence: occ, Outcome: OutcomeSent, Key: key, Due: deliver}
}

// pendingFor reports whether the client is still in the flow the reminder started (whether it
// reached them is for the delivery record to say).
func (t *turn) pendingFor(k Reminder) bool {
	flow := map[Reminder]string{RemindCheckin: "checkin", RemindPrepare: "prepare_invite", RemindReflect: "reflect"}[k]
	return t.st.Flow == flow
}

// busyDelay is how long a reminder waits for a client who is in the middle of something.
const busyDelay = 30 * time.Minute

// lastManual is when the client last checked in by hand: now, while they finish one.
func (t *turn) lastManual() time.Time {
	sc := &t.st.Schedule
	if t.st.Flow == "checkin" && !sc.ManualFlow.IsZero() && sc.ManualFlow.Equal(t.st.FlowAt) && t.st.Vars["mood"] != "" {
		return t.now
	}
	return sc.LastManual
}

// skips reports whether the scheduled check-in at occ is skipped: the client checked in by
// hand within the policy's window before it.
func (t *turn) skips(occ time.Time) bool {
	last, within := t.lastManual(), t.e.policy.SkipAfterManual
	return within > 0 && !last.IsZero() && !last.After(occ) && occ.Sub(last) <= within
}

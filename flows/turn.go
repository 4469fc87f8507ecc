package flows

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/when"
)

// A turn is the work of one message or one reminder: it reads the state apply loaded, walks
// the flow from step to step, and says what the saved change and the replies are.

// turn is the work of one message: the state it changes and what it says.
type turn struct {
	ctx     context.Context
	e       *Engine
	user    UserKey
	st      *State
	now     time.Time
	out     []Outbound
	entries []Entry
	erase   bool
	// vals are computed texts for placeholders (what an action prepared for the next message).
	vals map[string]string
	// err is a store failure met while handling; the turn is then not saved.
	err error
	// rearm means the schedule changed: every wake-up is computed again.
	rearm bool
	// wakeAt sets particular wake-ups (a reminder delayed to the end of quiet hours).
	wakeAt map[Reminder]time.Time
	// from is the flow the client was in before this turn.
	from string
	// declined means the erase is a client declining consent (not /forget).
	declined bool
	// started means a flow was started in this turn.
	started bool
	// in is the client's message or press the turn handles (nil for the bot's own turns).
	in *Inbound
}

// taken is called once the turn is kept: the client's message, if it handled one, is counted.
func (t *turn) taken() {
	if t.in != nil {
		t.e.received(*t.in)
	}
}

// wakeChanges says which wake-ups the turn sets and drops, and whether there are any to write.
func (t *turn) wakeChanges() (map[Reminder]time.Time, []Reminder, bool) {
	if t.e.wakes == nil || t.erase || (!t.rearm && len(t.wakeAt) == 0) {
		return nil, nil, false
	}
	set := map[Reminder]time.Time{}
	var drop []Reminder
	if t.rearm {
		set = t.wakes()
		for _, k := range Reminders {
			if _, ok := set[k]; !ok {
				drop = append(drop, k)
			}
		}
	}
	for k, at := range t.wakeAt {
		set[k] = at
	}
	return set, drop, true
}

func (t *turn) change(snap Snapshot, updateID string) (*Change, error) {
	if !t.erase && t.st.Consent == nil && t.st.Flow == "" && t.from == "onboarding" && !t.started {
		// The client left the first conversation without agreeing ("Stop for now", /cancel):
		// nothing of theirs is kept, as the bot says.
		t.erase, t.declined = true, true
	}
	if t.erase {
		c := &Change{Rev: snap.Rev, Erase: true}
		if t.declined {
			// Only the expiring record of this update id stays, so that a redelivered "No"
			// is not applied again.
			c.UpdateID = updateID
		}
		return c, nil
	}
	state, err := encodeRecord(t.st)
	if err != nil {
		return nil, err
	}
	if snap.Rev == 0 && !t.st.Started() && updateID == "" {
		// Nothing to keep for someone the bot knows nothing about.
		return nil, nil
	}
	if string(state) == string(snap.State) && len(t.entries) == 0 && updateID == "" {
		return nil, nil
	}
	c := &Change{Rev: snap.Rev, State: state, UpdateID: updateID, TTL: t.e.opts.Retention, Tail: snap.Tail}
	if !t.st.consented(t.e.opts.ConsentVersion) {
		c.TTL = preConsentTTL
	}
	for _, en := range t.entries {
		b, err := encodeRecord(en)
		if err != nil {
			return nil, err
		}
		c.Entries = append(c.Entries, b)
	}
	return c, nil
}

// Started reports whether the state holds anything worth keeping.
func (s *State) Started() bool {
	return s.Flow != "" || s.Consent != nil || s.Zone != "" || s.Locale != ""
}

func (t *turn) locale() string {
	if t.st.Locale != "" {
		return t.st.Locale
	}
	return "en"
}

func (t *turn) str(key string) string {
	return t.e.lib.String(t.e.lib.variant(key, t.e.opts.Storage), t.locale())
}

func (t *turn) say(text string, buttons ...Button) {
	t.out = append(t.out, Outbound{Text: text, Buttons: buttons})
}

func (t *turn) current() *Step {
	if t.st.Flow == "" {
		return nil
	}
	f := t.e.lib.Flow(t.st.Flow)
	if f == nil {
		return nil
	}
	return f.Step(t.st.Step)
}

func (t *turn) handle(in Inbound) {
	t.st.Active = t.now
	if t.st.Schedule.Pending != nil {
		// The client is back: no nudge, no expiry for the check-in that was waiting.
		t.st.Schedule.Pending = nil
		t.rearm = true
	}
	if t.st.Locale == "" {
		t.st.Locale = t.e.localeFor(in.LanguageHint)
	}
	if t.crisisPending(in) {
		return
	}
	switch {
	case in.Button != "":
		t.press(in.Button)
	case strings.HasPrefix(in.Text, "/"):
		t.command(in.Text)
	case in.Text == "":
		t.say(t.str("text_only"))
	default:
		t.text(in.Text)
	}
}

// reask repeats the pending question, if any, so that the client knows where they are.
func (t *turn) reask() {
	if s := t.current(); s != nil && s.Waits() {
		t.ask(s, false)
	}
}

// start begins a flow at its first step (or at step), leaving the current one.
func (t *turn) start(flowID, step string) {
	f := t.e.lib.Flow(flowID)
	if !f.Public && !t.st.consented(t.e.opts.ConsentVersion) {
		t.leave(false)
		if t.st.Consent != nil {
			flowID = "consent" // the privacy wording changed: ask again
		} else {
			flowID = "onboarding"
		}
		f, step = t.e.lib.Flow(flowID), ""
	}
	if t.st.Flow != "" {
		t.leave(false)
	}
	t.st.Flow, t.st.Vars, t.st.FlowAt = f.ID, nil, t.now
	t.started = true
	t.e.log.Info("flow started", "user", t.user.String(), "flow", f.ID)
	t.e.opts.Observer.FlowStarted(f.ID)
	s := f.First()
	if step != "" {
		s = f.Step(step)
	}
	t.run(f, s)
}

// leave ends the current flow, keeping its answers when the flow keeps them.
func (t *turn) leave(complete bool) {
	f := t.e.lib.Flow(t.st.Flow)
	if f != nil && f.ID == "checkin" {
		if last := t.lastManual(); last.Equal(t.now) {
			t.st.Schedule.LastManual = t.now.Truncate(time.Second)
		}
		t.st.Schedule.ManualFlow = time.Time{}
	}
	if f != nil && f.Keep && len(t.st.Vars) > 0 && t.st.consented(t.e.opts.ConsentVersion) {
		t.entries = append(t.entries, Entry{Flow: f.ID, Started: t.st.FlowAt.Truncate(time.Second), At: t.now.Truncate(time.Second), Complete: complete, Answers: t.st.Vars, Locale: t.locale()})
	}
	if f != nil {
		t.e.log.Info("flow left", "user", t.user.String(), "flow", f.ID, "step", t.st.Step, "complete", complete)
		t.e.opts.Observer.FlowEnded(f.ID, complete)
	}
	t.st.Flow, t.st.Step, t.st.Vars, t.st.FlowAt = "", "", nil, time.Time{}
}

// run walks from step s until a step waits for the client or the flow ends.
func (t *turn) run(f *Flow, s *Step) {
	for guard := 0; s != nil; guard++ {
		if guard > 100 {
			t.e.log.Error("flow loops without waiting", "flow", f.ID, "step", s.ID)
			t.leave(false)
			return
		}
		t.st.Step = s.ID
		next := s.next
		switch s.Kind {
		case KindMessage:
			t.say(t.render(s.Text))
		case KindChoice, KindScale, KindText:
			t.ask(s, true)
			return
		case KindBranch:
			next = t.branch(s)
		case KindAction:
			if stop := actions[s.Do](t); stop {
				return
			}
		case KindGoto:
			t.leave(true)
			t.start(s.Flow, "")
			return
		case KindEnd:
			if s.Text != nil {
				t.say(t.render(s.Text))
				t.st.Ended = f.ID + "/" + s.ID
			}
			t.leave(true)
			return
		}
		if next == "" {
			t.leave(true)
			return
		}
		s = f.Step(next)
	}
}

// accept stores an answer and goes on.
func (t *turn) accept(s *Step, value, next string) {
	t.st.Offers = nil
	if s.Store != "" {
		name := s.Store
		if field, ok := strings.CutPrefix(s.Store, "profile."); ok {
			profileFields[field](t.st, value, t.now)
			name = field
			if field != "agenda" && field != "intention" && field != "locale" {
				t.rearm = true // the zone or the schedule changed
			}
		}
		// What the client answered is kept in the flow's answers only with consent.
		if t.st.consented(t.e.opts.ConsentVersion) && value != "" {
			if t.st.Vars == nil {
				t.st.Vars = map[string]string{}
			}
			t.st.Vars[name] = value
			if s.Prompt && t.st.Prompt != "" {
				t.st.Vars[name+"_prompt"] = t.st.Prompt
			}
		}
		if s.Prompt {
			t.st.Prompt = ""
		}
	}
	if next == "" {
		next = s.next
	}
	f := t.e.lib.Flow(t.st.Flow)
	if next == "" {
		t.leave(true)
		return
	}
	t.run(f, f.Step(next))
}

func (t *turn) branch(s *Step) string {
	v := t.lookup(s.On)
	n, numErr := strconv.Atoi(v)
	for _, c := range s.Cases {
		for _, eq := range c.Equals {
			if eq == v {
				return c.Next
			}
		}
		if c.Set != nil && *c.Set == (v != "") {
			return c.Next
		}
		if (c.AtLeast != nil || c.AtMost != nil) && numErr == nil &&
			(c.AtLeast == nil || n >= *c.AtLeast) && (c.AtMost == nil || n <= *c.AtMost) {
			return c.Next
		}
	}
	if s.Default != "" {
		return s.Default
	}
	return s.next
}

// lookup reads an answer of the current flow, or a profile fact ("profile.consented").
func (t *turn) lookup(name string) string {
	switch name {
	case "profile.consented":
		return strconv.FormatBool(t.st.consented(t.e.opts.ConsentVersion))
	case "profile.zone":
		return t.st.Zone
	case "profile.locale":
		return t.locale()
	case "profile.intention":
		return t.st.Intention
	case "profile.agenda":
		return strconv.Itoa(len(t.openAgenda()))
	case "profile.appointment":
		return t.st.Schedule.Appointment.Kind.String()
	case "profile.checkin_quiet":
		return strconv.FormatBool(t.quietNote() != "")
	}
	if v, ok := t.lookupBetween(name); ok {
		return v
	}
	return t.st.Vars[name]
}

// zone is the client's time zone; UTC when they have given none (or it no longer loads).
func (t *turn) zone() *time.Location {
	if loc, err := when.Location(t.st.Zone); err == nil {
		return loc
	}
	return time.UTC
}

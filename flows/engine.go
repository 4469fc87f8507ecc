package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/interlude-bot/interlude/flows/safety"
)

// Options tune an Engine. The zero value of each field has a sensible default.
type Options struct {
	// ConsentVersion is the version of the privacy wording; raising it asks every client again.
	ConsentVersion int
	// Retention is how long a client's data lives without activity (default 365 days).
	Retention time.Duration
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Logger receives structured logs: ids, flow and step names, never what a client wrote.
	Logger *slog.Logger
	// Wakes records when the scheduler should next look at a client; nil when nothing is
	// scheduled (tests of flows alone).
	Wakes Wakes
	// Deliveries tells which reminder occurrences reached the client.
	Deliveries Deliveries
	// Crisis is the crisis path (default: the embedded phrase lists and helplines).
	Crisis *Crisis
	// Observer is told what happens, for metrics (default: nobody).
	Observer Observer
	// Policy is the reminders' delivery policy (default DefaultPolicy).
	Policy Policy
	// Storage is how what clients write is kept (default StorageEncrypted); the consent
	// question, /help and /settings say what it is.
	Storage Storage
}

// Wakes is the scheduler's due-queue as the engine needs it.
type Wakes interface {
	// SetWakes sets the wake-up time of each reminder in set (never later than one already
	// there) and removes those in drop.
	SetWakes(ctx context.Context, user UserKey, set map[Reminder]time.Time, drop []Reminder) error
	// ClearWakes removes every wake-up of the client.
	ClearWakes(ctx context.Context, user UserKey) error
}

// WakingSaver is a Wakes that can write wake-ups and a Change in one round trip, the wake-ups
// first (the store on one Redis: one pipeline). The engine uses it when it has both to write.
type WakingSaver interface {
	SaveWaking(ctx context.Context, user UserKey, set map[Reminder]time.Time, drop []Reminder, c Change) error
}

// Engine advances conversations. It keeps no state of its own: every message loads the client's
// state from the Store, advances it and saves it before the reply goes out.
type Engine struct {
	lib        *Library
	store      Store
	opts       Options
	log        *slog.Logger
	wakes      Wakes
	deliveries Deliveries
	crisis     *Crisis
	policy     Policy
}

// preConsentTTL bounds how long the position in onboarding is kept for a client who has not
// agreed (yet) to have anything kept.
const preConsentTTL = 24 * time.Hour

// maxAttempts bounds the retries of a message whose state changed concurrently.
const maxAttempts = 5

// New builds an engine on a validated library and a store.
func New(lib *Library, store Store, opts Options) *Engine {
	if opts.ConsentVersion <= 0 {
		opts.ConsentVersion = 1
	}
	if opts.Retention <= 0 {
		opts.Retention = 365 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	if opts.Storage == "" {
		opts.Storage = StorageEncrypted
	}
	if opts.Crisis == nil {
		c, err := LoadCrisis("")
		if err != nil {
			// The embedded data is checked by tests; this cannot happen in a released binary.
			opts.Logger.Error("crisis path: embedded data does not load", "err", err)
		}
		opts.Crisis = c
	}
	return &Engine{lib: lib, store: store, opts: opts, log: opts.Logger, wakes: opts.Wakes, deliveries: opts.Deliveries, crisis: opts.Crisis, policy: opts.Policy.withDefaults()}
}

// Library returns the flows the engine runs.
func (e *Engine) Library() *Library { return e.lib }

// Handle applies one inbound message and returns the replies. The new state is saved before
// Handle returns, so a reply is only ever sent for an answer that is kept. An error means the
// message was not applied (the store failed) and may be delivered again.
func (e *Engine) Handle(ctx context.Context, in Inbound) ([]Outbound, error) {
	in.Text = cleanText(in.Text)
	// Crisis first: checked in memory before anything touches Redis. /crisis, [Yes] and [I'd
	// rather not say] under the crisis question must work without Redis too.
	tier := e.check(in.Text + "\n" + cleanText(in.Caption))
	cmd, _, _ := strings.Cut(strings.ToLower(in.Text), " ")
	switch {
	case tier == safety.TierDirect, cmd == "/crisis":
		return e.crisisReply(ctx, in), nil
	case isHelpButton(in.Button):
		e.opts.Observer.CrisisEvent(map[bool]string{true: "answer_yes", false: "answer_rather_not"}[strings.HasPrefix(in.Button, checkYes)])
		return e.crisisReply(ctx, in), nil
	case tier == safety.TierUnsure:
		return e.unsure(ctx, in), nil
	}
	if in.Edited {
		// An edit never changes an answer that was already kept; it is only read for risk.
		return nil, nil
	}
	return e.apply(ctx, in.User, in.UpdateID, func(t *turn) { t.handle(in) })
}

// Start starts a flow for a client on the bot's own initiative (the scheduler does this).
func (e *Engine) Start(ctx context.Context, user UserKey, flowID string) ([]Outbound, error) {
	if e.lib.Flow(flowID) == nil {
		return nil, fmt.Errorf("flows: unknown flow %q", flowID)
	}
	return e.apply(ctx, user, "", func(t *turn) { t.start(flowID, "") })
}

// Resume repeats the question the client is at, if any (after a restart of the console).
func (e *Engine) Resume(ctx context.Context, user UserKey) ([]Outbound, error) {
	return e.apply(ctx, user, "", func(t *turn) {
		if s := t.current(); s != nil && s.Waits() {
			t.say(t.str("resume"))
			t.ask(s, false)
		}
	})
}

func (e *Engine) apply(ctx context.Context, user UserKey, updateID string, fn func(*turn)) ([]Outbound, error) {
	for range maxAttempts {
		snap, err := e.store.Load(ctx, user, updateID)
		if err != nil {
			return nil, fmt.Errorf("load state: %w", err)
		}
		st, err := decodeState(snap.State)
		if err != nil {
			return nil, err
		}
		if snap.Seen {
			e.log.Info("duplicate update dropped", "user", user.String(), "update", updateID)
			if st.LastUpdate != updateID {
				return nil, nil
			}
			// The last update again: its answer may never have gone out. Ask again, or say the
			// closing words of the conversation it ended.
			t := &turn{ctx: ctx, e: e, user: user, st: st, now: e.opts.Now(), vals: map[string]string{}}
			t.reask()
			if flowID, stepID, ok := strings.Cut(st.Ended, "/"); ok && st.Flow == "" {
				if f := e.lib.Flow(flowID); f != nil && f.Step(stepID) != nil && f.Step(stepID).Text != nil {
					t.say(t.render(f.Step(stepID).Text))
				}
			}
			return t.out, nil
		}
		t := &turn{ctx: ctx, e: e, user: user, st: st, now: e.opts.Now(), vals: map[string]string{}, from: st.Flow}
		if st.Since.IsZero() {
			st.Since = t.now
		}
		if updateID != "" {
			st.Ended = ""
		}
		fn(t)
		if t.err != nil {
			return nil, t.err
		}
		if updateID != "" {
			st.LastUpdate = updateID
		}
		change, err := t.change(snap, updateID)
		if err != nil {
			return nil, err
		}
		// Wake-ups are written first: one that turns out early is harmless (the dispatcher
		// finds nothing due and looks again later); one that went missing would lose a reminder.
		set, drop, wake := t.wakeChanges()
		if ws, ok := e.wakes.(WakingSaver); ok && wake && change != nil {
			err = ws.SaveWaking(ctx, user, set, drop, *change)
		} else {
			if wake {
				if err := e.wakes.SetWakes(ctx, user, set, drop); err != nil {
					return nil, fmt.Errorf("schedule: %w", err)
				}
			}
			if change == nil {
				return t.out, nil
			}
			err = e.store.Save(ctx, user, *change)
		}
		switch {
		case errors.Is(err, ErrConflict):
			continue
		case errors.Is(err, ErrDuplicate):
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("save state: %w", err)
		}
		if t.erase && e.wakes != nil {
			if err := e.wakes.ClearWakes(ctx, user); err != nil {
				// The state is gone: a leftover wake-up finds nothing to send.
				e.log.Warn("erase: wake-ups not cleared", "user", user.String(), "err", err)
			}
		}
		return t.out, nil
	}
	return nil, fmt.Errorf("save state: %w after %d attempts", ErrConflict, maxAttempts)
}

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

func (e *Engine) localeFor(hint string) string {
	hint = strings.ToLower(hint)
	if i := strings.IndexAny(hint, "-_"); i > 0 {
		hint = hint[:i]
	}
	if _, ok := e.lib.Languages[hint]; ok {
		return hint
	}
	return "en"
}

func (t *turn) command(text string) {
	name, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name = strings.ToLower(name)
	arg = strings.TrimSpace(arg)
	switch name {
	case "help":
		t.say(fill(t.str("help"), map[string]string{"storage": t.str("storage_line")}))
		t.reask()
		return
	case "crisis":
		t.crisis()
		return
	case "cancel":
		if t.st.Flow == "" {
			t.say(t.str("nothing_to_cancel"))
			return
		}
		t.leave(false)
		t.say(t.str("cancelled"))
		return
	case "skip":
		t.skip()
		return
	case "history":
		if t.longViewCommand(arg) {
			return
		}
		t.history()
		return
	case "settings":
		t.settings()
		return
	case "export":
		t.export()
		return
	case "pause":
		t.pause(arg)
		return
	case "resume":
		t.resume()
		return
	}
	if f := t.e.lib.ByCommand(name); f != nil {
		t.start(f.ID, "")
		if t.st.Flow == "checkin" && f.ID == "checkin" {
			t.st.Schedule.ManualFlow = t.st.FlowAt // started by hand
		}
		// "/session wed 17:00": the argument answers the flow's first question.
		// Messages before the question (the current value) are left out then.
		if s := t.current(); arg != "" && s != nil && s.Waits() && s == firstQuestion(f) && t.st.Flow == f.ID {
			t.out = t.out[:0]
			t.text(arg)
		}
		return
	}
	t.say(fill(t.str("unknown_command"), map[string]string{"command": "/" + name}))
	t.reask()
}

// firstQuestion is the first step of f that waits for the client, after any messages.
func firstQuestion(f *Flow) *Step {
	for _, s := range f.Steps {
		if s.Waits() {
			return s
		}
		if s.Kind != KindMessage {
			return nil
		}
	}
	return nil
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

// ask sends the question of a waiting step. fresh means a new question: its buttons get a new
// number, so that buttons of earlier questions are recognised as old.
func (t *turn) ask(s *Step, fresh bool) {
	if fresh {
		t.st.Ask++
		t.st.Offers = nil
	}
	text := t.render(s.Text)
	if s.Prompt {
		if fresh || t.st.Prompt == "" || t.e.lib.Prompt(t.st.Prompt) == nil {
			t.st.Prompt = t.nextPrompt()
		}
		if p := t.e.lib.Prompt(t.st.Prompt); p != nil {
			text += "\n\n" + t.e.lib.Render(&p.Text, t.locale())
		}
	}
	if s.Kind == KindText && s.Skippable {
		text += "\n" + t.str("skip_hint")
	}
	t.say(text, t.buttons(s)...)
}

// buttonID is the id of the i-th button of the pending question.
func (t *turn) buttonID(i int) string { return "q" + strconv.Itoa(t.st.Ask) + "." + strconv.Itoa(i) }

// offerBase is added to the index of an offered reading in its button's id, so that it never
// collides with the step's own buttons.
const offerBase = 100

// buttons are the buttons of the pending question: its options, its scale, or "another
// question" under a prompt; or, while readings of an unclear answer are offered, those.
func (t *turn) buttons(s *Step) []Button {
	var buttons []Button
	if len(t.st.Offers) > 0 {
		for i, o := range t.st.Offers {
			buttons = append(buttons, Button{ID: t.buttonID(offerBase + i), Label: o.Label})
		}
		return buttons
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			return t.dynamicButtons(s, t.buttonID)
		}
		for i, o := range s.Options {
			lbl := o.Label
			buttons = append(buttons, Button{ID: t.buttonID(i), Label: t.e.lib.Render(&lbl, t.locale())})
		}
	case KindScale:
		for v := s.Min; v <= s.Max; v++ {
			buttons = append(buttons, Button{ID: t.buttonID(v - s.Min), Label: strconv.Itoa(v)})
		}
	}
	if s.Prompt {
		buttons = append(buttons, Button{ID: t.buttonID(0), Label: t.str("another_prompt")})
	}
	return buttons
}

// refuse says briefly what would work, with the pending question's buttons, without its
// introduction again.
func (t *turn) refuse(s *Step, text string) {
	t.say(text, t.buttons(s)...)
}

func (t *turn) render(txt *Text) string {
	vals := map[string]string{"zone": t.st.Zone, "language": t.e.lib.Languages[t.locale()], "intention": t.st.Intention}
	raw := t.e.lib.Render(txt, t.locale())
	if txt != nil && txt.Ref != "" {
		raw = t.str(txt.Ref) // the wording for this storage, where it differs
	}
	if strings.Contains(raw, "{agenda_list}") {
		var b strings.Builder
		for _, a := range t.openAgenda() {
			b.WriteString("• " + a.Text + "\n")
		}
		vals["agenda_list"] = strings.TrimSuffix(b.String(), "\n")
	}
	if strings.Contains(raw, "{settings}") {
		vals["settings"] = t.settingsText()
	}
	if strings.Contains(raw, "{quiet_note}") {
		vals["quiet_note"] = t.quietNote()
	}
	if strings.Contains(raw, "{storage}") {
		vals["storage"] = t.str("storage_line")
	}
	if strings.Contains(raw, "{next_checkin}") {
		vals["next_checkin"] = t.nextCheckin()
	}
	if strings.Contains(raw, "{schedule}") {
		vals["schedule"] = t.scheduleText()
	}
	if strings.Contains(raw, "{checkin_line}") || strings.Contains(raw, "{session_line}") {
		vals["checkin_line"], vals["session_line"], _ = strings.Cut(t.scheduleText(), "\n")
	}
	if strings.Contains(raw, "{session_time}") {
		if at, ok := t.st.Schedule.Appointment.Next(t.now, t.zone()); ok {
			vals["session_time"] = t.whenText(at)
		}
	}
	if vals["zone"] == "" {
		vals["zone"] = "UTC"
	}
	t.fillBetween(raw, vals)
	for k, v := range t.st.Vars {
		vals[k] = v
	}
	for k, v := range t.vals {
		vals[k] = v
	}
	return fill(raw, vals)
}

// press handles a button. Its id must belong to the pending question; anything else (an old
// button, a forged id) changes nothing.
func (t *turn) press(id string) {
	if isCrisisButton(id) {
		t.crisisAnswer(id)
		return
	}
	if t.pressBetween(id) {
		return
	}
	if cmd, ok := strings.CutPrefix(id, commandButton); ok && greetingCommands[cmd] {
		t.command("/" + cmd)
		return
	}
	s := t.current()
	ask, idx, ok := parseButton(id)
	if s == nil || !s.Waits() || !ok || ask != t.st.Ask {
		t.say(t.str("stale_button"))
		t.reask()
		return
	}
	if i := idx - offerBase; i >= 0 && i < len(t.st.Offers) {
		answer := t.st.Offers[i].Answer
		t.st.Offers = nil
		t.validated(s, answer)
		return
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			t.pressDynamic(s, idx)
			return
		}
		if idx < len(s.Options) {
			o := s.Options[idx]
			t.accept(s, o.StoredValue(), o.Next)
			return
		}
	case KindScale:
		if v := s.Min + idx; v <= s.Max {
			t.accept(s, strconv.Itoa(v), "")
			return
		}
	case KindText:
		if s.Prompt && idx == 0 {
			t.st.Prompt = t.nextPrompt()
			t.ask(s, true)
			return
		}
	}
	t.say(t.str("stale_button"))
	t.reask()
}

func parseButton(id string) (ask, idx int, ok bool) {
	rest, found := strings.CutPrefix(id, "q")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ".")
	if !found {
		return 0, 0, false
	}
	ask, err1 := strconv.Atoi(a)
	idx, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || idx < 0 {
		return 0, 0, false
	}
	return ask, idx, true
}

// text handles typed text: an answer to the pending question, or a hint when there is none.
func (t *turn) text(text string) {
	s := t.current()
	if t.joins(s, text) {
		return
	}
	if s == nil || !s.Waits() {
		if isGreeting(text) {
			t.greet()
			return
		}
		t.say(t.str("no_question"))
		return
	}
	if len(t.st.Offers) > 0 {
		labels, ids := make([]string, len(t.st.Offers)), make([]string, len(t.st.Offers))
		for i, o := range t.st.Offers {
			labels[i], ids[i] = o.Label, strconv.Itoa(i+1)
		}
		if i := labelMatch(labels, ids, text); i >= 0 {
			answer := t.st.Offers[i].Answer
			t.st.Offers = nil
			t.validated(s, answer)
			return
		}
		t.st.Offers = nil // something new: read it afresh
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			t.textDynamic(s, text)
			return
		}
		if i, ok := matchOption(t, s, text); ok {
			o := s.Options[i]
			t.accept(s, o.StoredValue(), o.Next)
			return
		}
		if s.Validate != "" {
			t.validated(s, text)
			return
		}
		t.refuse(s, t.str("pick_button"))
	case KindScale:
		t.scale(s, text)
	case KindText:
		limit := s.MaxLen
		if limit == 0 {
			limit = DefaultMaxLen
		}
		n := utf8.RuneCountInString(text)
		if n > limit && (limit < longAnswer || s.Validate != "") {
			t.say(fill(t.str("too_long"), map[string]string{"max": strconv.Itoa(limit), "length": strconv.Itoa(n)}))
			return
		}
		if s.Validate != "" {
			t.validated(s, text)
			return
		}
		if n > limit {
			t.acceptLong(s, text, limit)
			return
		}
		t.remember(s, text)
		t.accept(s, text, "")
	}
}

// scale reads a number on the pending scale: "4", "maybe a 4", "vier", "4/10". Two numbers
// ("like 4 or 5") are asked back with their two buttons; anything else gets a short re-ask.
func (t *turn) scale(s *Step, text string) {
	nums := scaleAnswer(text)
	var in []int
	for _, n := range nums {
		if n >= s.Min && n <= s.Max {
			in = append(in, n)
		}
	}
	vals := map[string]string{"min": strconv.Itoa(s.Min), "max": strconv.Itoa(s.Max)}
	switch {
	case len(nums) == 1 && len(in) == 1:
		t.accept(s, strconv.Itoa(in[0]), "")
	case len(nums) == 2 && len(in) == 2:
		vals["a"], vals["b"] = strconv.Itoa(in[0]), strconv.Itoa(in[1])
		t.say(fill(t.str("pick_one_of_two"), vals),
			Button{ID: t.buttonID(in[0] - s.Min), Label: vals["a"]},
			Button{ID: t.buttonID(in[1] - s.Min), Label: vals["b"]})
	case len(nums) > 0 && len(in) == 0:
		t.refuse(s, fill(t.str("number_out_of_range"), vals))
	default:
		t.refuse(s, fill(t.str("pick_number"), vals))
	}
}

func matchOption(t *turn, s *Step, text string) (int, bool) {
	labels, ids := make([]string, len(s.Options)), make([]string, len(s.Options))
	for i, o := range s.Options {
		lbl := o.Label
		labels[i], ids[i] = t.e.lib.Render(&lbl, t.locale()), o.ID
	}
	i := labelMatch(labels, ids, text)
	return i, i >= 0
}

func (t *turn) validated(s *Step, text string) {
	value, err := validators[s.Validate](t, text)
	if err != nil {
		var r *reask
		if errors.As(err, &r) && len(r.choices) > 0 {
			t.st.Offers = r.choices
			t.say(r.text, t.buttons(s)...)
			return
		}
		msg := strings.TrimSpace(fill(t.str("invalid_"+s.Validate), map[string]string{"hint": err.Error()}))
		if s.Kind == KindChoice {
			t.refuse(s, msg)
			return
		}
		t.say(msg)
		return
	}
	t.accept(s, value, "")
}

// skip answers a skippable question with nothing.
func (t *turn) skip() {
	s := t.current()
	if s == nil || !s.Waits() {
		t.say(t.str("no_question"))
		return
	}
	if !s.Skippable {
		t.refuse(s, t.str("cannot_skip"))
		return
	}
	t.accept(s, "", "")
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

// cleanText drops what must never reach a flow or a stored answer: invalid UTF-8, control
// characters (but new lines and tabs), bidirectional overrides and invisible zero-width
// characters; and trims the ends. Joiners (U+200C, U+200D) stay: scripts and emoji need them.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\u200c' || r == '\u200d':
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

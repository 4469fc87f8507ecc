package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// State is everything the engine keeps about one client between messages. The store keeps it
// encrypted as one record, so a change to it is one atomic write.
type State struct {
	// Locale is the client's language ("en", "de").
	Locale string `json:"locale,omitempty" cbor:"1,keyasint,omitempty"`
	// Zone is the client's IANA time zone, or a fixed offset such as "UTC+05:30".
	Zone string `json:"zone,omitempty" cbor:"2,keyasint,omitempty"`
	// Consent is the client's consent to keep what they write; nil until they gave it.
	Consent *Consent `json:"consent,omitempty" cbor:"3,keyasint,omitempty"`
	// Flow and Step are where the client is in a conversation; empty when in none.
	Flow string `json:"flow,omitempty" cbor:"4,keyasint,omitempty"`
	Step string `json:"step,omitempty" cbor:"5,keyasint,omitempty"`
	// Ask counts the questions asked; buttons carry it, so an old button is recognised.
	Ask int `json:"ask,omitempty" cbor:"6,keyasint,omitempty"`
	// Vars are the answers given in the current flow.
	Vars map[string]string `json:"vars,omitempty" cbor:"7,keyasint,omitempty"`
	// FlowAt is when the current flow started.
	FlowAt time.Time `json:"flow_at,omitzero" cbor:"8,keyasint,omitzero"`
	// Inactive is set when the client blocked the bot; nothing is sent until they /start again.
	Inactive bool `json:"inactive,omitempty" cbor:"9,keyasint,omitempty"`
	// Since is when the client first talked to the bot.
	Since time.Time `json:"since,omitzero" cbor:"10,keyasint,omitzero"`
	// Agenda is what the client wants to bring to a session.
	Agenda []AgendaItem `json:"agenda,omitempty" cbor:"11,keyasint,omitempty"`
	// Intention is the one thing the client wanted to take into the week (after a session).
	Intention string `json:"intention,omitempty" cbor:"12,keyasint,omitempty"`
	// Prompt is the id of the reflective prompt the client is being asked, if any.
	Prompt string `json:"prompt,omitempty" cbor:"13,keyasint,omitempty"`
	// Rotation is where the client is in the prompt library.
	Rotation Rotation `json:"rotation,omitzero" cbor:"14,keyasint,omitzero"`
	// Schedule is when the bot writes on its own.
	Schedule Schedule `json:"schedule,omitzero" cbor:"15,keyasint,omitzero"`
	// Active is when the client last wrote or pressed something.
	Active time.Time `json:"active,omitzero" cbor:"16,keyasint,omitzero"`
	// LastUpdate is the id of the last platform update applied. When it comes again (the bot
	// crashed after saving it but before answering), the pending question is asked again.
	LastUpdate string `json:"last_update,omitempty" cbor:"17,keyasint,omitempty"`
	// Ended is "flow/step" of the end step the last update reached, so that its closing words
	// can be said again when that update comes again.
	Ended string `json:"ended,omitempty" cbor:"18,keyasint,omitempty"`
	// Offers are the readings of an answer that read two ways ("Tuesday at 6"), shown as
	// buttons under the question it answers; pressing one (or typing its label or number)
	// answers the question with it. (High keys: fields added by other work keep their own.)
	Offers []Offer `json:"offers,omitempty" cbor:"40,keyasint,omitempty"`
	// Last is the last free-text answer of the current flow, which a message sent within a
	// few seconds continues (a long paste that the platform split into several messages).
	Last *LastAnswer `json:"last,omitempty" cbor:"41,keyasint,omitempty"`
	// Safety is the crisis path's own state: a pending question, the client's country.
	Safety SafetyState `json:"safety,omitzero" cbor:"50,keyasint,omitzero"`
	// Plan is the client's safety plan; nil until they made one.
	Plan *SafetyPlan `json:"safety_plan,omitempty" cbor:"51,keyasint,omitempty"`
	// Goals are what the client and their therapist agreed to work on, open and closed
	// (goals.go). Key 60: keys 40–59 are taken by work on other issues.
	Goals []Goal `json:"goals,omitempty" cbor:"60,keyasint,omitempty"`
}

// Offer is one reading offered as a button.
type Offer struct {
	Answer string `json:"answer" cbor:"1,keyasint,omitempty"`
	Label  string `json:"label" cbor:"2,keyasint,omitempty"`
}

// LastAnswer is where the last free-text answer went.
type LastAnswer struct {
	Var  string    `json:"var" cbor:"1,keyasint,omitempty"`
	At   time.Time `json:"at" cbor:"2,keyasint,omitempty"`
	Step string    `json:"step" cbor:"3,keyasint,omitempty"`
	Flow string    `json:"flow" cbor:"4,keyasint,omitempty"`
}

// AgendaItem is one thing the client wants to bring to a session.
type AgendaItem struct {
	Text string    `json:"text" cbor:"1,keyasint,omitempty"`
	At   time.Time `json:"at" cbor:"2,keyasint,omitempty"`
	// Done is set once the item is closed (kept for records written before Closed existed).
	Done bool `json:"done,omitempty" cbor:"3,keyasint,omitempty"`
	// Prepared is when the item first went into a session summary, and For the session it was
	// prepared for (zero when no appointment was known). The item stays open until that
	// session is past.
	Prepared time.Time `json:"prepared,omitzero" cbor:"4,keyasint,omitzero"`
	For      time.Time `json:"for_session,omitzero" cbor:"5,keyasint,omitzero"`
	// Closed is when the item left the list, and ClosedBy why: "session" (the session it was
	// prepared for is past) or "reflect" (the client ticked it off after a session).
	Closed   time.Time `json:"closed,omitzero" cbor:"6,keyasint,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty" cbor:"7,keyasint,omitempty"`
}

// open reports whether the item is still on the list.
func (a AgendaItem) open() bool { return !a.Done && a.Closed.IsZero() }

// Rotation makes prompts rotate across topics without repeats until a topic's pool is used up.
type Rotation struct {
	// Next is the index of the next topic, in the library's sorted topic order.
	Next int `json:"next,omitempty" cbor:"1,keyasint,omitempty"`
	// Used are the prompt ids already asked in topics whose pool is not yet used up.
	Used []string `json:"used,omitempty" cbor:"2,keyasint,omitempty"`
}

// Consent records that the client agreed to have what they write kept.
type Consent struct {
	Version int       `json:"version" cbor:"1,keyasint,omitempty"`
	At      time.Time `json:"at" cbor:"2,keyasint,omitempty"`
}

// Entry is one finished (or left) flow in the client's history.
type Entry struct {
	Flow     string            `json:"flow" cbor:"1,keyasint,omitempty"`
	Started  time.Time         `json:"started" cbor:"2,keyasint,omitempty"`
	At       time.Time         `json:"at" cbor:"3,keyasint,omitempty"`
	Complete bool              `json:"complete" cbor:"4,keyasint,omitempty"`
	Answers  map[string]string `json:"answers" cbor:"5,keyasint,omitempty"`
	// Locale is the language the questions were asked in, so that the export shows them as
	// they were asked, whatever the client's language is now.
	Locale string `json:"locale,omitempty" cbor:"6,keyasint,omitempty"`
}

// Snapshot is a client's stored state as the store read it.
type Snapshot struct {
	// Rev is the revision of the state; 0 when the client has none.
	Rev int64
	// State is the encoded State; nil when the client has none.
	State []byte
	// Seen is true when the inbound update was already applied.
	Seen bool
	// Tail is the store's own note, read with the state, about the client's latest history
	// record (so that a new entry joins its month's record without another round trip). The
	// engine hands it back unchanged in Change.Tail.
	Tail []byte
}

// Change is what one handled message writes, all at once.
type Change struct {
	// Rev is the revision the change was computed from; the store refuses it when the state
	// moved on in the meantime (ErrConflict).
	Rev int64
	// State is the new encoded State.
	State []byte
	// Entries are new history entries to append.
	Entries [][]byte
	// UpdateID, when not empty, is recorded so that the same update is never applied twice.
	UpdateID string
	// TTL is how long the client's keys live without activity.
	TTL time.Duration
	// Erase removes every key of the client instead of writing anything; with an UpdateID
	// (a client declining consent) only the expiring record of that update id is written.
	Erase bool
	// Tail is Snapshot.Tail of the snapshot the change was computed from.
	Tail []byte
}

// Store is what the engine needs from storage. The store package implements it on Redis.
type Store interface {
	// Load reads the client's state and whether updateID (if any) was already applied.
	Load(ctx context.Context, user UserKey, updateID string) (Snapshot, error)
	// Save applies the change atomically, or returns ErrConflict or ErrDuplicate and writes nothing.
	Save(ctx context.Context, user UserKey, c Change) error
	// Entries returns the client's history entries, oldest first.
	Entries(ctx context.Context, user UserKey) ([][]byte, error)
}

// Errors a Store returns to steer the engine.
var (
	// ErrConflict means the state changed since it was loaded; the engine loads it again.
	ErrConflict = errors.New("flows: state changed concurrently")
	// ErrDuplicate means the update was applied before; the engine drops it.
	ErrDuplicate = errors.New("flows: update already applied")
	// ErrUnreadable means a client's stored record cannot be read (sealed with a key that is
	// no longer configured, or damaged). Retrying does not help; callers move on.
	ErrUnreadable = errors.New("flows: stored record cannot be read")
)

func decodeState(b []byte) (*State, error) {
	st := &State{}
	if len(b) == 0 {
		return st, nil
	}
	if err := decodeRecord(b, st); err != nil {
		return nil, fmt.Errorf("%w: decode state: %w", ErrUnreadable, err)
	}
	st.inUTC()
	return st, nil
}

// consented reports whether the client agreed to the current consent version.
func (s *State) consented(version int) bool {
	return s.Consent != nil && s.Consent.Version >= version
}

// profileFields are the State fields a step can store an answer in, as "profile.<name>".
var profileFields = map[string]func(*State, string, time.Time){
	"zone":        func(s *State, v string, now time.Time) { s.Zone = v; s.Schedule.changed(now) },
	"checkin":     func(s *State, v string, now time.Time) { s.Schedule.setCheckin(v); s.Schedule.changed(now) },
	"appointment": func(s *State, v string, now time.Time) { s.Schedule.setAppointment(v); s.Schedule.changed(now) },
	"prep_lead":   func(s *State, v string, now time.Time) { s.Schedule.setPrepLead(v); s.Schedule.changed(now) },
	"reflect":     func(s *State, v string, now time.Time) { s.Schedule.setReflect(v); s.Schedule.changed(now) },
	"locale":      func(s *State, v string, _ time.Time) { s.Locale = v },
	"intention":   func(s *State, v string, _ time.Time) { s.Intention = v },
	"agenda": func(s *State, v string, now time.Time) {
		if v != "" {
			s.Agenda = append(s.Agenda, AgendaItem{Text: v, At: now.Truncate(time.Second)})
		}
		// Keep the agenda bounded: drop the oldest items already dealt with.
		for len(s.Agenda) > maxAgenda {
			i := slices.IndexFunc(s.Agenda, func(a AgendaItem) bool { return !a.open() })
			if i < 0 {
				i = 0
			}
			s.Agenda = slices.Delete(s.Agenda, i, i+1)
		}
	},
}

// maxAgenda bounds the agenda items kept in the state.
const maxAgenda = 30

package flows

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Records (a client's state and history entries) are stored as CBOR (RFC 8949) with small
// integer keys: decoding one costs a third of the JSON it replaced, and it is about half the
// size, which matters for a state read and written on every message and for history kept for
// months. Times are whole seconds since the epoch (5 bytes instead of 30) and read back in
// UTC; nothing the bot keeps needs more, and what is shown is shown in the client's zone.
// Records written as JSON by earlier versions (they start with '{') are still read.
var (
	recEnc = func() cbor.EncMode {
		m, err := cbor.EncOptions{
			Sort: cbor.SortBytewiseLexical, // maps in a fixed order: equal states encode equally
			Time: cbor.TimeUnix,
		}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	recDec = func() cbor.DecMode {
		m, err := cbor.DecOptions{
			// A console client may type bytes that are not UTF-8; their record must stay
			// readable.
			UTF8:        cbor.UTF8DecodeInvalid,
			DupMapKey:   cbor.DupMapKeyEnforcedAPF,
			MaxMapPairs: 1 << 16,
		}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// encodeRecord encodes a State or an Entry for the store.
func encodeRecord(v any) ([]byte, error) { return recEnc.Marshal(v) }

// decodeRecord decodes what encodeRecord wrote, or the JSON of earlier versions.
func decodeRecord(b []byte, v any) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, v)
	}
	return recDec.Unmarshal(b, v)
}

// DecodeEntry decodes a stored history entry (for tools and tests that read the store).
func DecodeEntry(b []byte) (Entry, error) {
	var e Entry
	if err := decodeRecord(b, &e); err != nil {
		return Entry{}, fmt.Errorf("%w: decode history entry: %w", ErrUnreadable, err)
	}
	e.Started, e.At = utc(e.Started), utc(e.At)
	return e, nil
}

// DecodeState decodes a stored state (for tools and tests that read the store).
func DecodeState(b []byte) (*State, error) { return decodeState(b) }

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// inUTC puts every time of a decoded state in UTC, so that a state reads the same on every host
// whatever its local zone (CBOR times carry none).
func (s *State) inUTC() {
	if s.Consent != nil {
		s.Consent.At = utc(s.Consent.At)
	}
	s.FlowAt, s.Since, s.Active = utc(s.FlowAt), utc(s.Since), utc(s.Active)
	for i := range s.Agenda {
		s.Agenda[i].At = utc(s.Agenda[i].At)
	}
	sc := &s.Schedule
	sc.Appointment.Anchor, sc.PausedUntil = utc(sc.Appointment.Anchor), utc(sc.PausedUntil)
	for k, v := range sc.Fired {
		sc.Fired[k] = utc(v)
	}
	if sc.Pending != nil {
		sc.Pending.Occurrence, sc.Pending.SentAt = utc(sc.Pending.Occurrence), utc(sc.Pending.SentAt)
	}
}

// EncodeState encodes a state as the engine stores it (for tools and tests that write the
// store, such as a seeding benchmark).
func EncodeState(s *State) ([]byte, error) { return encodeRecord(s) }

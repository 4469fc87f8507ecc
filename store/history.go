package store

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A client's history is a list of records "<ms>|<sealed>", oldest first, where ms (in the
// clear, so that the save script can drop expired records without opening them) is the time of
// the oldest entry the record holds.
//
// Since 2026-12 a record is a month: every entry of one calendar month (UTC) in one sealed,
// compressed pack, so that a month pays for one nonce, one tag and one compression window
// instead of one per entry, and repeated words are stored once. A new entry joins the record
// of its month (the save script replaces the list's last record); the first entry of a month
// starts a new one. Records written by earlier versions hold one entry each and are still read
// (and a single-entry record of the current month is joined into a pack when the next entry of
// that month is written).
//
// Retention drops whole records: a month goes once its oldest entry is older than the retention
// period, so nothing is kept longer than promised (the month's later entries go up to a month
// early). When an entry joins its month's record, the record's entries past the retention are
// dropped first.

// packMagic starts the plaintext of a pack. No entry starts with it: entries are CBOR maps
// (0xa0–0xbf) or, from earlier versions, JSON ('{'); 0xfe is a reserved CBOR initial byte.
const packMagic = 0xfe

// packed is one entry of a pack: when it was written (ms) and its encoded record.
type packed struct {
	ms    int64
	entry []byte
}

// encodePack is the plaintext of a pack: the magic byte, then per entry its time (ms, uvarint),
// its length (uvarint) and its bytes.
func encodePack(items []packed) []byte {
	n := 1
	for _, it := range items {
		n += 2*binary.MaxVarintLen64 + len(it.entry)
	}
	out := make([]byte, 1, n)
	out[0] = packMagic
	for _, it := range items {
		out = binary.AppendUvarint(out, uint64(it.ms))
		out = binary.AppendUvarint(out, uint64(len(it.entry)))
		out = append(out, it.entry...)
	}
	return out
}

// decodeRecord reads the plaintext of a history record written at ms: a pack, or a single entry
// as earlier versions wrote it.
func decodeHistory(plain []byte, ms int64) ([]packed, error) {
	if len(plain) == 0 || plain[0] != packMagic {
		return []packed{{ms: ms, entry: plain}}, nil
	}
	var items []packed
	rest := plain[1:]
	for len(rest) > 0 {
		at, n := binary.Uvarint(rest)
		if n <= 0 {
			return nil, ErrCorrupt
		}
		rest = rest[n:]
		size, n := binary.Uvarint(rest)
		if n <= 0 || uint64(len(rest)-n) < size {
			return nil, ErrCorrupt
		}
		rest = rest[n:]
		items = append(items, packed{ms: int64(at), entry: rest[:size:size]})
		rest = rest[size:]
	}
	return items, nil
}

// splitRecord cuts a stored history record into its time (ms) and its sealed part.
func splitRecord(rec string) (int64, string, error) {
	at, sealed, ok := strings.Cut(rec, "|")
	ms, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return 0, "", ErrCorrupt
	}
	return ms, sealed, nil
}

// sameMonth reports whether two times (ms) fall in the same calendar month, in UTC.
func sameMonth(a, b int64) bool {
	ta, tb := time.UnixMilli(a).UTC(), time.UnixMilli(b).UTC()
	return ta.Year() == tb.Year() && ta.Month() == tb.Month()
}

// historyRecord builds the record to write for new entries at now: joined to tail (the list's
// last record, as Load read it) when that is of the same month, else a record of its own. It
// returns the record and whether it replaces the tail.
func (s *Store) historyRecord(tail []byte, entries [][]byte, now, cutoff int64, ad string) (string, bool, error) {
	var items []packed
	replace := false
	if len(tail) > 0 {
		ms, sealed, err := splitRecord(string(tail))
		if err != nil {
			return "", false, fmt.Errorf("history of %s: %w", ad, err)
		}
		if sameMonth(ms, now) {
			plain, err := s.seal.Open([]byte(sealed), ad)
			if err != nil {
				return "", false, fmt.Errorf("history of %s: %w", ad, err)
			}
			old, err := decodeHistory(plain, ms)
			if err != nil {
				return "", false, fmt.Errorf("history of %s: %w", ad, err)
			}
			for _, it := range old {
				if it.ms >= cutoff {
					items = append(items, it)
				}
			}
			replace = true
		}
	}
	for _, e := range entries {
		items = append(items, packed{ms: now, entry: e})
	}
	sealed, err := s.seal.SealCompressed(encodePack(items), ad)
	if err != nil {
		return "", false, err
	}
	return strconv.FormatInt(items[0].ms, 10) + "|" + string(sealed), replace, nil
}

package store_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// TestRecordsOfTheReleaseBeforeMonthPacksAreRead loads the records one client had under the
// release before history was packed per month (testdata/release-2026-11.json, written by that
// release: see testdata/genfixture), and checks that this version reads the state and every
// entry, adds a December check-in to that month's record, and exports all of it.
func TestRecordsOfTheReleaseBeforeMonthPacksAreRead(t *testing.T) {
	raw, err := os.ReadFile("testdata/release-2026-11.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Key  string
		Keys map[string]struct {
			Hash map[string]string
			List []string
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	dec := func(s string) string {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	for k, v := range fx.Keys {
		for f, val := range v.Hash {
			rdb.HSet(ctx, k, f, dec(val))
		}
		for _, val := range v.List {
			rdb.RPush(ctx, k, dec(val))
		}
	}
	key, _ := base64.StdEncoding.DecodeString(fx.Key)
	var mu sync.Mutex
	now := time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st := store.New(rdb, sealer(t, key), store.WithClock(clock))
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, st, flows.Options{Now: clock, Logger: slog.New(slog.DiscardHandler), Wakes: st, Deliveries: st})
	u := flows.UserKey{Platform: flows.Telegram, ID: "4242"}

	snap, err := st.Load(ctx, u, "")
	if err != nil {
		t.Fatal(err)
	}
	state, err := flows.DecodeState(snap.State)
	if err != nil || state.Zone != "Europe/Berlin" || snap.Rev == 0 {
		t.Fatalf("state of the earlier release: %+v, %v", state, err)
	}
	var last []flows.Outbound
	for _, text := range []string{"/checkin", "6", "tired", "Finally slept well on Friday.", "Nothing held back this time.", "-"} {
		if last, err = e.Handle(ctx, flows.Inbound{User: u, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if len(last) == 0 {
		t.Fatal("no answer to the check-in's last message")
	}
	recs, err := st.Entries(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var moments []string
	for _, r := range recs {
		en, err := flows.DecodeEntry(r)
		if err != nil {
			t.Fatal(err)
		}
		moments = append(moments, en.Answers["moment"])
	}
	want := []string{"Talked to my sister about the move.", "A long week at work, „schwierig“ at times.", "Walked by the river with a friend.", "Finally slept well on Friday."}
	if strings.Join(moments, "\n") != strings.Join(want, "\n") {
		t.Errorf("moments, oldest first:\n%q\nwant\n%q", moments, want)
	}
	// November's two records stay as they were; December's single entry became a pack of two.
	if n := rdb.LLen(ctx, "interlude:{tg:4242}:entries").Val(); n != 3 {
		t.Errorf("%d history records, want 3 (two of November, one of December)", n)
	}

	outs, err := e.Handle(ctx, flows.Inbound{User: u, Text: "/export"})
	if err != nil {
		t.Fatal(err)
	}
	var files int
	for _, o := range outs {
		if o.File == nil || !strings.HasSuffix(o.File.Name, ".json") {
			continue
		}
		files++
		for _, m := range want {
			enc, _ := json.Marshal(m)
			if !strings.Contains(string(o.File.Data), strings.Trim(string(enc), `"`)) {
				t.Errorf("the export lacks %q", m)
			}
		}
	}
	if files != 1 {
		t.Errorf("%d JSON files in /export, want 1", files)
	}
}

// TestRetentionDropsWholeMonthsOnTime: a month's record goes as soon as its oldest entry is past
// the retention, never later; an entry joining its month's record takes out the entries of
// that month already past it, and is itself kept.
func TestRetentionDropsWholeMonthsOnTime(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	ctx := context.Background()
	var now time.Time
	st := store.New(rdb, sealer(t, key(3)), store.WithClock(func() time.Time { return now }))
	u := flows.UserKey{Platform: flows.Telegram, ID: "77"}
	write := func(at time.Time, entry string, ttl time.Duration) {
		t.Helper()
		now = at
		snap, err := st.Load(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Save(ctx, u, flows.Change{Rev: snap.Rev, State: []byte("s"), Entries: [][]byte{[]byte(entry)}, TTL: ttl, Tail: snap.Tail}); err != nil {
			t.Fatal(err)
		}
	}
	entries := func() string {
		t.Helper()
		recs, err := st.Entries(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, r := range recs {
			s = append(s, string(r))
		}
		return strings.Join(s, " ")
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 12, 0, 0, 0, time.UTC) }
	const ttl = 40 * 24 * time.Hour
	write(day(1, 5), "jan5", ttl)
	write(day(1, 20), "jan20", ttl)
	write(day(2, 3), "feb3", ttl)
	if got, n := entries(), rdb.LLen(ctx, "interlude:{tg:77}:entries").Val(); got != "jan5 jan20 feb3" || n != 2 {
		t.Fatalf("before: %q in %d records, want 3 entries in 2 (January, February)", got, n)
	}
	// 14 February 12:00 is 40 days after 5 January 12:00: January is still kept.
	write(day(2, 14), "feb14", ttl)
	if got := entries(); got != "jan5 jan20 feb3 feb14" {
		t.Errorf("on the last day: %q", got)
	}
	// A day later, January's oldest entry is past the retention: the whole month goes.
	write(day(2, 15), "feb15", ttl)
	if got := entries(); got != "feb3 feb14 feb15" {
		t.Errorf("a day later: %q, want January gone", got)
	}
	// With a retention of one day, an entry joining its month's record drops the older ones.
	write(day(3, 1), "mar1", 24*time.Hour)
	write(day(3, 10), "mar10", 24*time.Hour)
	if got := entries(); got != "mar10" {
		t.Errorf("one day's retention: %q, want only mar10", got)
	}
}

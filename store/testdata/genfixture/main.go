//go:build ignore

// genfixture writes store/testdata/release-2026-11.json: the Redis records of one client as the
// release before the month packs wrote them: onboarding, two check-ins in November and one in
// December. It was copied into a checkout of commit 424b1ee and run there with a redis-server
// on $REDIS_URL:
//
//	REDIS_URL=unix:///tmp/r.sock go run ./internal/genfixture > store/testdata/release-2026-11.json
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/store"
)

func main() {
	ctx := context.Background()
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		panic(err)
	}
	rdb := redis.NewClient(opts)
	rdb.FlushAll(ctx)
	var mu sync.Mutex
	now := time.Date(2026, 11, 10, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	sealer, _ := store.NewSealer(key)
	st := store.New(rdb, sealer, store.WithClock(clock))
	lib, err := flows.Load("")
	if err != nil {
		panic(err)
	}
	e := flows.New(lib, st, flows.Options{Now: clock, Logger: slog.New(slog.DiscardHandler), Wakes: st, Deliveries: st})
	u := flows.UserKey{Platform: flows.Telegram, ID: "4242"}
	say := func(in flows.Inbound) {
		in.User = u
		if _, err := e.Handle(ctx, in); err != nil {
			panic(err)
		}
	}
	for _, t := range []string{"/start"} {
		say(flows.Inbound{Text: t})
	}
	say(flows.Inbound{Button: "q1.0"})
	for _, t := range []string{"Europe/Berlin", "later", "Sunday 19:00"} {
		say(flows.Inbound{Text: t})
	}
	checkin := func(day time.Time, mood, moment string) {
		mu.Lock()
		now = day
		mu.Unlock()
		for _, t := range []string{"/checkin", mood, "calm", moment, "I held back when she asked.", "Saying yes to everything"} {
			say(flows.Inbound{Text: t})
		}
	}
	checkin(time.Date(2026, 11, 15, 19, 0, 0, 0, time.UTC), "7", "Talked to my sister about the move.")
	checkin(time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC), "5", "A long week at work, „schwierig“ at times.")
	checkin(time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC), "8", "Walked by the river with a friend.")

	out := map[string]any{}
	for _, k := range []string{"interlude:{tg:4242}:state", "interlude:{tg:4242}:entries"} {
		switch rdb.Type(ctx, k).Val() {
		case "hash":
			h := rdb.HGetAll(ctx, k).Val()
			m := map[string]string{}
			for f, v := range h {
				m[f] = base64.StdEncoding.EncodeToString([]byte(v))
			}
			out[k] = map[string]any{"hash": m}
		case "list":
			var l []string
			for _, v := range rdb.LRange(ctx, k, 0, -1).Val() {
				l = append(l, base64.StdEncoding.EncodeToString([]byte(v)))
			}
			out[k] = map[string]any{"list": l}
		}
	}
	b, _ := json.MarshalIndent(map[string]any{
		"written_by": "interlude at commit 424b1ee (the release before month packs), store/testdata/genfixture",
		"key":        base64.StdEncoding.EncodeToString(key),
		"keys":       out,
	}, "", "  ")
	fmt.Println(string(b))
}

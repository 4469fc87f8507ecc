package telegram_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/bots/telegram"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
	"github.com/interlude-bot/interlude/store"
)

const benchUpdates = 2000

// pushAll queues one "/help" from each of n clients and returns when each was pushed.
func pushAll(tg *telegramtest.Server, n int, base int64) map[int64]time.Time {
	pushed := make(map[int64]time.Time, n)
	for i := range n {
		chat := base + int64(i)
		pushed[chat] = time.Now()
		tg.Push(telegramtest.PrivateText(chat, "/help"))
	}
	return pushed
}

// drain waits until every client got an answer, and returns the elapsed time and the latencies.
// sentBefore is how many messages the server had recorded before the clients wrote.
func drain(b *testing.B, tg *telegramtest.Server, pushed map[int64]time.Time, start time.Time, sentBefore int) (time.Duration, []time.Duration) {
	b.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		// Counting is cheap; the calls are copied and matched only once all may be there.
		if tg.Count("sendMessage") < sentBefore+len(pushed) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		answered := map[int64]time.Time{}
		for _, c := range tg.Calls("sendMessage") {
			if _, ok := pushed[c.ChatID()]; ok && !c.Failed() {
				if _, seen := answered[c.ChatID()]; !seen {
					answered[c.ChatID()] = c.At
				}
			}
		}
		if len(answered) == len(pushed) {
			var lat []time.Duration
			last := start
			for chat, at := range answered {
				lat = append(lat, at.Sub(pushed[chat]))
				if at.After(last) {
					last = at
				}
			}
			slices.Sort(lat)
			return last.Sub(start), lat
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d answered", len(answered), len(pushed))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkTelegram measures messages per second through the whole bot (fake Bot API → adapter
// → engine → real Redis → fake Bot API) next to a bare go-telegram/bot echo bot on the same
// fake server in the same run, and the p99 time from an update to its answer.
//
//	go test -run '^$' -bench BenchmarkTelegram -benchtime 1x ./bots/telegram/
func BenchmarkTelegram(b *testing.B) {
	for range b.N {
		tg := telegramtest.New(b, "")
		tg.SetMaxPollWait(50 * time.Millisecond)

		// The floor: an echo bot with the library's own polling loop.
		ctx, cancel := context.WithCancel(context.Background())
		echo, err := bot.New(tg.Token, bot.WithServerURL(tg.URL), bot.WithSkipGetMe(),
			bot.WithDefaultHandler(func(ctx context.Context, bt *bot.Bot, u *models.Update) {
				if u.Message != nil {
					_, _ = bt.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
				}
			}))
		if err != nil {
			b.Fatal(err)
		}
		pushed := pushAll(tg, benchUpdates, 1_000_000)
		start := time.Now()
		go echo.Start(ctx)
		floorTook, _ := drain(b, tg, pushed, start, 0)
		cancel()
		time.Sleep(100 * time.Millisecond)

		// The bot.
		srv := redistest.Start(b)
		st := store.New(srv.Client(), nil)
		lib, err := flows.Load("")
		if err != nil {
			b.Fatal(err)
		}
		quiet := slog.New(slog.DiscardHandler)
		e := flows.New(lib, st, flows.Options{Logger: quiet, Wakes: st, Deliveries: st})
		ctx, cancel = context.WithCancel(context.Background())
		a, err := telegram.New(ctx, telegram.Config{Token: tg.Token, APIURL: tg.URL, PollTimeout: time.Second}, e, st, quiet)
		if err != nil {
			b.Fatal(err)
		}
		sentBefore := tg.Count("sendMessage")
		pushed = pushAll(tg, benchUpdates, 2_000_000)
		start = time.Now()
		go a.Poll(ctx)
		took, lat := drain(b, tg, pushed, start, sentBefore)
		cancel()

		rate := benchUpdates / took.Seconds()
		floor := benchUpdates / floorTook.Seconds()
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(floor, "echo-msgs/s")
		b.ReportMetric(rate/floor, "ratio")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

package main

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
)

const testKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// tgRig is the real binary against a fake Bot API server and a real redis-server.
type tgRig struct {
	t    *testing.T
	tg   *telegramtest.Server
	srv  *redistest.Server
	proc *proc
	addr string
	env  []string
	seen map[int64]int // calls already read, per chat
	mu   sync.Mutex
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startTelegram(t *testing.T, extra ...string) *tgRig {
	t.Helper()
	return startTelegramOn(t, redistest.Start(t), extra...)
}

// startTelegramOn is startTelegram on a Redis the test prepared (with AOF, say).
func startTelegramOn(t *testing.T, srv *redistest.Server, extra ...string) *tgRig {
	t.Helper()
	return startTelegramWith(t, telegramtest.New(t, ""), srv, extra...)
}

// startTelegramWith is startTelegramOn with a fake Bot API the test prepared.
func startTelegramWith(t *testing.T, tg *telegramtest.Server, srv *redistest.Server, extra ...string) *tgRig {
	t.Helper()
	r := &tgRig{t: t, tg: tg, srv: srv, addr: freeAddr(t), seen: map[int64]int{}}
	r.tg.SetMaxPollWait(200 * time.Millisecond)
	r.env = baseEnv(append([]string{
		"INTERLUDE_TELEGRAM_TOKEN=" + r.tg.Token,
		"INTERLUDE_TELEGRAM_API_URL=" + r.tg.URL,
		"INTERLUDE_TELEGRAM_POLL_TIMEOUT=1s",
		"INTERLUDE_REDIS_URL=" + r.srv.URL,
		"INTERLUDE_ENCRYPTION_KEY=" + testKey,
		"INTERLUDE_HTTP_ADDR=" + r.addr,
		"INTERLUDE_LEASE_TTL=2s",
		"INTERLUDE_SCHEDULER_TICK=1s",
		"INTERLUDE_LOG_FORMAT=json",
	}, extra...)...)
	r.proc = startProc(t, r.env, "run")
	r.waitReady()
	return r
}

// inbound is what the bot's /metrics says of interlude_inbound_messages_total on Telegram.
func (r *tgRig) inbound() int {
	r.t.Helper()
	resp, err := http.Get("http://" + r.addr + "/metrics")
	if err != nil {
		r.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^interlude_inbound_messages_total\{platform="telegram"\} (\d+)$`).FindSubmatch(body)
	if m == nil {
		r.t.Fatalf("/metrics has no inbound count for Telegram:\n%s", body)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func (r *tgRig) waitReady() {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + r.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-r.proc.done:
			r.t.Fatalf("the bot exited instead of coming up:\n%s", r.proc.output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	r.t.Fatalf("the bot did not come up:\n%s", r.proc.output())
}

// expect waits for the next message to chat that contains want (in its visible text), and
// returns it. Messages before it are skipped.
func (r *tgRig) expect(chat int64, want string) telegramtest.Call {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		sent := r.tg.Sent(chat)
		r.mu.Lock()
		for i := r.seen[chat]; i < len(sent); i++ {
			if strings.Contains(visible(sent[i]), want) {
				r.seen[chat] = i + 1
				r.mu.Unlock()
				return sent[i]
			}
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	var got []string
	for _, c := range r.tg.Sent(chat) {
		got = append(got, c.Method+": "+visible(c))
	}
	r.t.Fatalf("no message to %d containing %q; sent:\n%s\nbot output:\n%s", chat, want, strings.Join(got, "\n"), r.proc.output())
	return telegramtest.Call{}
}

// visible is the text a client sees: HTML entities decoded.
func visible(c telegramtest.Call) string {
	return html.UnescapeString(c.Fields["text"] + c.Fields["caption"])
}

// press pushes a click on the button with the label under the message m.
func (r *tgRig) press(user int64, m telegramtest.Call, label string) {
	r.t.Helper()
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := m.Decode("reply_markup", &kb); err != nil {
		r.t.Fatalf("no keyboard on %q: %v", visible(m), err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == label {
				if len(b.CallbackData) > 64 || strings.Contains(b.CallbackData, label) && len(label) > 3 {
					r.t.Errorf("callback data %q is not a short opaque id", b.CallbackData)
				}
				r.tg.Push(telegramtest.Callback(user, 1, b.CallbackData))
				return
			}
		}
	}
	r.t.Fatalf("no button %q on %q", label, visible(m))
}

func (r *tgRig) say(user int64, text string) int {
	return r.tg.Push(telegramtest.PrivateText(user, text))
}

// onboard walks a client through /start.
func (r *tgRig) onboard(user int64) {
	r.t.Helper()
	r.say(user, "/start")
	consent := r.expect(user, "Is that OK?")
	if text := visible(consent); !strings.Contains(text, "this is not therapy") || strings.Index(text, "not therapy") > strings.Index(text, "Is that OK?") {
		r.t.Fatalf("the not-therapy statement does not come before the consent question: %q", text)
	}
	r.press(user, consent, "Yes, keep my answers")
	r.expect(user, "Which time zone")
	r.say(user, "Berlin")
	r.expect(user, "usual therapy appointment")
	r.say(user, "thu 10:00")
	r.expect(user, "weekly check-in suit you")
	r.say(user, "Sunday 19:00")
	r.expect(user, "All set. Your time zone is Europe/Berlin.")
}

// waitNoReminders waits until the scheduler's queue is empty (a client who blocked the bot has
// no reminders left); what is a format with one %d for the count left.
func waitNoReminders(t *testing.T, srv *redistest.Server, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		due, _ := srv.Client().ZCard(context.Background(), "interlude:{sched}:due").Result()
		if due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf(what, due)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

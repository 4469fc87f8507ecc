package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

func TestTelegramClientJourney(t *testing.T) {
	r := startTelegram(t)
	const ana = int64(4242)

	// The command menu was set in English and German.
	var langs []string
	for _, c := range r.tg.Calls("setMyCommands") {
		langs = append(langs, c.Fields["language_code"])
	}
	if strings.Join(langs, ",") != "de," && strings.Join(langs, ",") != ",de" {
		t.Errorf("setMyCommands languages %q", langs)
	}

	r.onboard(ana)

	// A check-in, whose agenda item shows up in /prepare.
	r.say(ana, "/checkin")
	mood := r.expect(ana, "How has your week been")
	r.press(ana, mood, "6")
	r.expect(ana, "word for how you feel")
	r.say(ana, "restless")
	r.expect(ana, "moment this week")
	r.say(ana, "My <b>boss</b> & I finally talked")
	r.expect(ana, "One question to think about")
	r.say(ana, "/skip")
	r.expect(ana, "bring to your next session")
	r.say(ana, "Talk about work")
	r.expect(ana, "that's it for this week")

	r.say(ana, "/prepare")
	if prep := r.expect(ana, "most important"); !strings.Contains(visible(prep), "Talk about work") {
		t.Errorf("the check-in's agenda item is not in /prepare: %q", visible(prep))
	}
	r.say(ana, "Work")
	r.expect(ana, "what helps you")
	r.say(ana, "/skip")
	r.expect(ana, "hard to bring up")
	r.say(ana, "/skip")
	summary := r.expect(ana, "Written by me with an automated tool")
	if summary.Method != "sendDocument" || !strings.Contains(string(summary.Files["document"].Data), "Talk about work") {
		t.Errorf("session summary: %s with %d bytes", summary.Method, len(summary.Files["document"].Data))
	}

	r.say(ana, "/export")
	export := r.expect(ana, "as JSON")
	if export.Method != "sendDocument" {
		t.Fatalf("/export sent %s", export.Method)
	}
	var x struct {
		Schema  string `json:"schema"`
		Entries []struct {
			Answers map[string]string `json:"answers"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(export.Files["document"].Data, &x); err != nil || x.Schema != "interlude.export/v1" {
		t.Fatalf("export JSON: %v", err)
	}
	if x.Entries[0].Answers["moment"] != "My <b>boss</b> & I finally talked" {
		t.Errorf("export lost the moment: %q", x.Entries[0].Answers["moment"])
	}

	r.say(ana, "/history")
	photo := r.expect(ana, "Your latest check-ins")
	if photo.Method != "sendPhoto" {
		t.Fatalf("/history sent %s", photo.Method)
	}
	if img, err := png.Decode(bytes.NewReader(photo.Files["photo"].Data)); err != nil || img.Bounds().Dx() < 400 {
		t.Errorf("the mood chart is not a picture: %v", err)
	}

	// What the client wrote comes back escaped, never as markup.
	for _, c := range r.tg.Sent(ana) {
		if strings.Contains(c.Fields["text"]+c.Fields["caption"], "<b>boss") {
			t.Errorf("client text sent as markup: %q", c.Fields["text"])
		}
	}

	// A crisis message, at once.
	r.say(ana, "/checkin")
	r.expect(ana, "How has your week been")
	r.say(ana, "I want to end my life")
	crisis := r.expect(ana, "TelefonSeelsorge")
	if text := visible(crisis); !strings.HasPrefix(text, "I'm really glad you told me.") || !strings.Contains(text, "nobody reads") {
		t.Errorf("crisis reply: %q", text)
	}
	r.press(ana, crisis, "Go on with what we were doing")
	r.expect(ana, "How has your week been")

	// /forget erases every key of the client.
	r.say(ana, "/forget")
	confirm := r.expect(ana, "Erase everything?")
	r.press(ana, confirm, "Yes, erase everything")
	r.expect(ana, "everything I kept about you is erased")
	keys, _ := r.srv.Client().Keys(context.Background(), "*tg:4242*").Result()
	if len(keys) != 0 {
		t.Errorf("keys left after /forget: %v", keys)
	}
	due, _ := r.srv.Client().ZRange(context.Background(), "interlude:{sched}:due", 0, -1).Result()
	for _, m := range due {
		if strings.Contains(m, "tg:4242") {
			t.Errorf("a reminder is still queued after /forget: %s", m)
		}
	}

	// Nothing the client wrote, and no token, reached the logs.
	out := r.proc.output()
	for _, secret := range []string{"boss", "restless", "Talk about work", "end my life", r.tg.Token, testKey} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs hold %q", secret)
		}
	}
}

func TestTelegramRoughWeather(t *testing.T) {
	r := startTelegram(t)
	const bo = int64(777)
	r.onboard(bo)

	// A 429 storm: every send is refused three times, then goes through.
	r.tg.FailNext("sendMessage", 3, telegramtest.Fault{Status: 429, RetryAfter: 1})
	r.say(bo, "/help")
	r.expect(bo, "What you can do")

	// The same update delivered twice changes nothing and is answered once.
	before, counted := len(r.tg.Sent(bo)), r.inbound()
	u := telegramtest.PrivateText(bo, "/checkin")
	u.UpdateID = 99_000
	r.tg.Push(u)
	r.expect(bo, "How has your week been")
	r.tg.Push(u) // redelivered: nothing changes; the pending question is asked again
	r.expect(bo, "How has your week been")
	r.say(bo, "/help")
	r.expect(bo, "What you can do")
	if n := len(r.tg.Sent(bo)) - before; n != 3 {
		t.Errorf("%d messages for a duplicated update and /help, want 3", n)
	}
	// And the operator's count of messages from clients counts it once too.
	if n := r.inbound() - counted; n != 2 {
		t.Errorf("interlude_inbound_messages_total rose by %d for a duplicated update and /help, want 2", n)
	}
	r.say(bo, "/cancel")
	r.expect(bo, "Stopped here") // still at the first question: the duplicate started nothing new

	// Stickers, photos, voice and locations get a friendly answer.
	for _, u := range []telegramtest.Update{telegramtest.Sticker(bo), telegramtest.Photo(bo), telegramtest.Voice(bo, 3), telegramtest.Location(bo, 52.5, 13.4)} {
		r.tg.Push(u)
		r.expect(bo, "I can only read text and buttons")
	}

	// An edit changes nothing, unless it is a cry for help.
	r.tg.Push(telegramtest.EditedText(bo, 5, "7"))
	r.tg.Push(telegramtest.EditedText(bo, 5, "actually I want to kill myself"))
	r.expect(bo, "TelefonSeelsorge")

	// A group is told once that the bot talks only in private, and nothing is kept.
	r.tg.Push(telegramtest.GroupText(-100123, bo, "/checkin"))
	r.expect(-100123, "only talk in private chats")
	r.tg.Push(telegramtest.GroupText(-100123, bo, "my secret reflection"))
	r.say(bo, "/help")
	r.expect(bo, "What you can do")
	if n := len(r.tg.Sent(-100123)); n != 1 {
		t.Errorf("%d messages to the group, want the one notice", n)
	}
	// A group whose first writer uses Telegram in German is told in German first.
	r.tg.Push(telegramtest.GroupText(-100456, bo, "/checkin", telegramtest.WithLanguage("de-AT")))
	if m := r.expect(-100456, "Ich schreibe nur in privaten Chats"); !strings.HasPrefix(m.Fields["text"], "Ich schreibe") {
		t.Errorf("the group notice for a German writer begins %q", m.Fields["text"])
	}

	// A client who blocks the bot gets nothing more, and their reminders stop.
	r.tg.Push(telegramtest.Kicked(bo))
	waitNoReminders(t, r.srv, "%d reminders still queued after the client blocked the bot")
}

func TestTelegramBlockedOnSendMarksInactive(t *testing.T) {
	r := startTelegram(t)
	const cy = int64(31337)
	r.onboard(cy)
	r.tg.FailNext("sendMessage", 1, telegramtest.Fault{Status: 403, Description: "Forbidden: bot was blocked by the user"})
	r.say(cy, "/help")
	waitNoReminders(t, r.srv, "a 403 left %d reminders queued")
}

func TestTelegramWebhook(t *testing.T) {
	addr := freeAddr(t)
	r := &tgRig{t: t, tg: telegramtest.New(t, ""), srv: redistest.Start(t), addr: addr, seen: map[int64]int{}}
	hook := "https://bot.example.org/telegram/hook"
	r.env = baseEnv(
		"INTERLUDE_TELEGRAM_TOKEN="+r.tg.Token,
		"INTERLUDE_TELEGRAM_API_URL="+r.tg.URL,
		"INTERLUDE_TELEGRAM_WEBHOOK_URL="+hook,
		"INTERLUDE_TELEGRAM_WEBHOOK_SECRET=s3cret-webhook-token",
		"INTERLUDE_REDIS_URL="+r.srv.URL,
		"INTERLUDE_ENCRYPTION_KEY="+testKey,
		"INTERLUDE_HTTP_ADDR="+addr,
	)
	r.proc = startProc(t, r.env, "run")
	r.waitReady()
	if c := r.tg.WaitFor(t, 10*time.Second, func(c telegramtest.Call) bool { return c.Method == "setWebhook" }); c.Fields["url"] != hook || c.Fields["secret_token"] != "s3cret-webhook-token" {
		t.Errorf("setWebhook %v", c.Fields)
	}
	url := "http://" + addr + "/telegram/hook"

	resp, err := telegramtest.PostWebhook(url, "wrong-secret", telegramtest.PrivateText(55, "/start"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", resp.StatusCode)
	}
	if n := len(r.tg.Sent(55)); n != 0 {
		t.Errorf("an update with a wrong secret was handled (%d messages)", n)
	}

	u := telegramtest.PrivateText(55, "/start")
	u.UpdateID = 1
	resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	// The reply went out before the webhook answered.
	if sent := r.tg.Sent(55); len(sent) != 1 || !strings.Contains(visible(sent[0]), "Is that OK?") {
		t.Errorf("after the webhook answered, %d messages were sent, want the statement with the consent question", len(sent))
	}

	// Redis down: the webhook answers 503 so that Telegram delivers the update again; once
	// Redis is back, the redelivery is handled, once.
	r.srv.Kill()
	u2 := telegramtest.PrivateText(55, "/help")
	u2.UpdateID = 2
	resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 500 {
		t.Errorf("with Redis down the webhook answered %d, want 5xx", resp.StatusCode)
	}
	r.srv.Restart()
	for range 2 {
		resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u2)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("after Redis came back: %d", resp.StatusCode)
		}
	}
	help := 0
	for _, c := range r.tg.Sent(55) {
		if strings.Contains(visible(c), "What you can do") {
			help++
		}
	}
	if help != 1 {
		t.Errorf("/help answered %d times, want once", help)
	}
}

// TestTelegramPollerTakeOver runs two replicas against one Redis and one token: only one polls;
// after it is killed, the other takes over within the lease time, and no update is handled
// twice.
func TestTelegramPollerTakeOver(t *testing.T) {
	tg := telegramtest.New(t, "")
	tg.SetMaxPollWait(200 * time.Millisecond)
	srv := redistest.Start(t)
	srv.RequireReal(t, "the polling lease of a killed replica must expire")
	env := func(addr string) []string {
		return baseEnv("INTERLUDE_TELEGRAM_TOKEN="+tg.Token, "INTERLUDE_TELEGRAM_API_URL="+tg.URL,
			"INTERLUDE_TELEGRAM_POLL_TIMEOUT=1s", "INTERLUDE_REDIS_URL="+srv.URL,
			"INTERLUDE_ENCRYPTION_KEY="+testKey, "INTERLUDE_HTTP_ADDR="+addr,
			"INTERLUDE_LEASE_TTL=2s", "INTERLUDE_LOG_FORMAT=json")
	}
	a := &tgRig{t: t, tg: tg, srv: srv, addr: freeAddr(t), seen: map[int64]int{}}
	a.proc = startProc(t, env(a.addr), "run")
	a.waitReady()
	b := &tgRig{t: t, tg: tg, srv: srv, addr: freeAddr(t), seen: map[int64]int{}}
	b.proc = startProc(t, env(b.addr), "run")
	b.waitReady()

	// Which replica polls?
	leader, standby := a, b
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(leader.proc.output(), "lease taken") {
		if strings.Contains(standby.proc.output(), "lease taken") {
			leader, standby = b, a
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no replica took the polling lease")
		}
		time.Sleep(10 * time.Millisecond)
	}
	const user = int64(9000)
	for i := range 20 {
		tg.Push(telegramtest.PrivateText(user, fmt.Sprintf("/help %d", i)))
	}
	leader.expect(user, "What you can do")
	killedAt := time.Now()
	if err := leader.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := 20; i < 40; i++ {
		tg.Push(telegramtest.PrivateText(user, fmt.Sprintf("/help %d", i)))
	}
	var takenAfter time.Duration
	for !strings.Contains(standby.proc.output(), "lease taken") {
		if time.Since(killedAt) > 30*time.Second {
			t.Fatalf("the standby never took the lease:\n%s", standby.proc.output())
		}
		time.Sleep(5 * time.Millisecond)
	}
	takenAfter = time.Since(killedAt)
	// A kill can fall between saving an update and sending its answer: that one answer is lost
	// (what the update changed is kept, and the redelivered update is recognised as done).
	deadline = time.Now().Add(30 * time.Second)
	for tg.Pending() > 0 || countHelp(tg, user) < 39 {
		if time.Now().After(deadline) {
			t.Fatalf("after the kill, %d updates pending and %d answered:\n%s", tg.Pending(), countHelp(tg, user), standby.proc.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if took := time.Since(killedAt); took > 10*time.Second {
		t.Errorf("the standby took %v to take over (lease 2 s)", took)
	}
	time.Sleep(500 * time.Millisecond)
	if got := countHelp(tg, user); got > 40 || got < 39 {
		t.Errorf("40 updates were answered %d times: some twice, or more than the one in flight lost", got)
	}
	if !strings.Contains(standby.proc.output(), "lease taken") {
		t.Error("the standby never took the lease")
	}
	t.Logf("after the kill (lease 2 s): the standby took the lease after %v, every update was answered after %v",
		takenAfter.Round(time.Millisecond), time.Since(killedAt).Round(time.Millisecond))
}

func countHelp(tg *telegramtest.Server, user int64) int {
	n := 0
	for _, c := range tg.Sent(user) {
		if strings.Contains(visible(c), "What you can do") {
			n++
		}
	}
	return n
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

func TestTelegramBadTokenIsAClearErrorWithoutTheToken(t *testing.T) {
	tg := telegramtest.New(t, "")
	srv := redistest.Start(t)
	const wrong = "123456789:AAwrongTokenThatTelegramRefuses000"
	p := startProc(t, baseEnv("INTERLUDE_TELEGRAM_TOKEN="+wrong, "INTERLUDE_TELEGRAM_API_URL="+tg.URL,
		"INTERLUDE_REDIS_URL="+srv.URL, "INTERLUDE_ENCRYPTION_KEY="+testKey, "INTERLUDE_HTTP_ADDR=127.0.0.1:0"), "run")
	if code := p.finish(); code == 0 {
		t.Fatal("the bot started with a refused token")
	}
	out := p.output()
	if !strings.Contains(out, "the token was refused (401 Unauthorized): check INTERLUDE_TELEGRAM_TOKEN") {
		t.Errorf("no clear error:\n%s", out)
	}
	if strings.Contains(out, "AAwrongToken") {
		t.Errorf("the token was printed:\n%s", out)
	}
}

// TestTelegramUnreadableRecordDoesNotStallOthers: a client whose record cannot be read (sealed
// with a key that was removed) is told so, and everyone else is still answered.
func TestTelegramUnreadableRecordDoesNotStallOthers(t *testing.T) {
	r := startTelegram(t)
	const broken, other = int64(111), int64(222)
	r.onboard(broken)
	// Damage the client's record as a removed key would leave it.
	if err := r.srv.Client().HSet(context.Background(), "interlude:{tg:111}:state", "state", "\x01garbage-record").Err(); err != nil {
		t.Fatal(err)
	}
	r.say(broken, "/help")
	r.expect(broken, "cannot read what I kept for you")
	r.say(other, "/help")
	r.expect(other, "What you can do")
	// They block the bot: marking them inactive needs their record too. The update is
	// dropped, not retried for ever, so the updates behind it still come through.
	r.tg.Push(telegramtest.Kicked(broken))
	r.say(other, "/help")
	r.expect(other, "What you can do")
	// A revision that is not a number is as unreadable as a damaged record.
	const third = int64(333)
	r.onboard(third)
	if err := r.srv.Client().HSet(context.Background(), "interlude:{tg:333}:state", "rev", "x").Err(); err != nil {
		t.Fatal(err)
	}
	r.say(third, "/help")
	r.expect(third, "cannot read what I kept for you")
	r.say(other, "/help")
	r.expect(other, "What you can do")
}

// TestSIGTERMStopsCleanly: on SIGTERM the bot stops taking work, finishes, gives its polling
// lease up (so another replica need not wait for it to run out) and exits 0, in bounded time.
func TestSIGTERMStopsCleanly(t *testing.T) {
	r := startTelegram(t)
	r.onboard(606)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.proc.output(), "lease taken") {
		if time.Now().After(deadline) {
			t.Fatal("the bot never took the polling lease")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := r.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := r.proc.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, r.proc.output())
	}
	if took := time.Since(start); took > 25*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if n, _ := r.srv.Client().Exists(context.Background(), "interlude:{lease:telegram-poll}").Result(); n != 0 {
		t.Error("the polling lease was not given up")
	}
	if !strings.Contains(r.proc.output(), "shutting down") {
		t.Error("no shutdown in the logs")
	}
}
